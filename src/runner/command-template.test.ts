import { describe, expect, it } from 'vitest';
import { CLI_ENTRY, expandCommand, splitWords } from './command-template.js';

const values = { command_file_path: '/p/a dir/$(rm -rf ~)/.cursor/.cursor-skill-command.claimed', project_root: '/p', step_dir: '/p/a dir', status_file_path: '/p/s.json' };

describe('command templates', () => {
  it('splits words like a shell without expanding anything', () => {
    expect(splitWords(`node  'a b' "c \\"d\\"" e\\ f $HOME`)).toEqual(['node', 'a b', 'c "d"', 'e f', '$HOME']);
    expect(() => splitWords('echo "open')).toThrow('has an unterminated quote');
  });

  it('substitutes placeholders as single arguments, never through a shell', () => {
    expect(expandCommand('my-agent --file={command_file_path} {step_dir} {unknown}', values)).toEqual({
      argv: ['my-agent', `--file=${values.command_file_path}`, '/p/a dir', '{unknown}'],
      builtin: false,
    });
  });

  it('runs tapps-agents (and the seed\'s python -m form) from this installation, and spots the built-in command', () => {
    for (const template of ['tapps-agents workflow execute-skill-command --command-file {command_file_path}', 'python -m tapps_agents.cli workflow execute-skill-command --command-file {command_file_path}', 'npx tapps-agents workflow execute-skill-command --command-file {command_file_path}']) {
      expect(expandCommand(template, values)).toEqual({ argv: [process.execPath, CLI_ENTRY, 'workflow', 'execute-skill-command', '--command-file', values.command_file_path], builtin: true });
    }
    expect(expandCommand('tapps-agents auto-execution status', values)).toEqual({ argv: [process.execPath, CLI_ENTRY, 'auto-execution', 'status'], builtin: false });
  });
});
