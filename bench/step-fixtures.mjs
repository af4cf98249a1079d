// Steps and runner configuration shared by the benches that time one step's handoff.

/** A builtin in-process action that does almost nothing: checks that HOME is set and writes its small report. */
export const BUILTIN_NOOP = { agent: 'analyst', action: 'check-prerequisites', params: { env: ['HOME'] } };

/** A runner configuration whose agent runs each skill in a spawned process (`in_process: false`). */
export const SPAWNED_RUNNER = `agents:
  - name: bench
    type: background
    commands: ["tapps-agents workflow execute-skill-command --command-file {command_file_path}"]
    watch_paths: [".cursor-skill-command.txt"]
global:
  in_process: false
`;
