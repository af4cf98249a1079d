// Recognises `tapps-agents [-C <dir>] workflow execute-skill-command --command-file <path> [--json]`, the command a
// runner spawns for every step when skills run in their own process, so main.ts can start it without building the
// whole commander program. Anything else (help, typos, other options) returns undefined and goes through commander,
// which owns every usage message.

/** The options of a recognised execute-skill-command invocation. */
export interface SkillCommandArgs {
  commandFile: string;
  json: boolean;
  /** `-C, --project <dir>` given before `workflow`. */
  project?: string;
}

/** `argv` as in process.argv (program and script first). */
export function matchSkillCommandArgv(argv: readonly string[]): SkillCommandArgs | undefined {
  const words = argv.slice(2);
  let index = 0;
  let project: string | undefined;
  const first = words[0];
  if (first === '-C' || first === '--project') {
    project = words[1];
    index = 2;
  } else if (first?.startsWith('--project=') === true) {
    project = first.slice('--project='.length);
    index = 1;
  }
  if (project === '' || project?.startsWith('-') === true) return undefined;
  if (words[index] !== 'workflow' || words[index + 1] !== 'execute-skill-command') return undefined;
  let commandFile: string | undefined;
  let json = false;
  for (index += 2; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '--json' && !json) json = true;
    else if (word === '--command-file' && commandFile === undefined) commandFile = words[++index];
    else if (word.startsWith('--command-file=') && commandFile === undefined) commandFile = word.slice('--command-file='.length);
    else return undefined;
  }
  if (commandFile === undefined || commandFile === '' || commandFile.startsWith('-')) return undefined;
  return { commandFile, json, ...(project === undefined ? {} : { project }) };
}
