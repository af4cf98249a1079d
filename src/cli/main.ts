// The executable entry: run the CLI and exit with its code (the only place that ends the process).

import { killLiveGroupsOnExit } from '../exec/process-group.js';
import { exitCodeOf } from './error-boundary.js';
import { matchSkillCommandArgv } from './skill-command-argv.js';

killLiveGroupsOnExit();
// A runner in spawned mode starts `workflow execute-skill-command` for every step: go straight to it instead of
// loading and building the commander program (docs/decisions.md, "A direct path for execute-skill-command").
const skillCommand = matchSkillCommandArgv(process.argv);
const code =
  skillCommand === undefined
    ? await (await import('./program.js')).main(process.argv)
    : await exitCodeOf(async () => (await import('./commands/workflow-execute-skill-command.js')).executeSkillCommandCommand(skillCommand), skillCommand.json);
process.exitCode = code;
// Leave time for output to drain, but never let a stray handle keep a finished command alive.
setTimeout(() => process.exit(code), 100).unref();
