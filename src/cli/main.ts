// The executable entry: run the CLI and exit with its code (the only place that ends the process).

import { killLiveGroupsOnExit } from '../exec/process-group.js';
import { exitCodeOf } from './error-boundary.js';
import { endOutputQuietlyOnBrokenPipe } from './quiet-broken-pipe.js';
import { matchSkillCommandArgv } from './skill-command-argv.js';
import { EXIT } from './exit-codes.js';
import { printErrorLines } from './output.js';

killLiveGroupsOnExit();
endOutputQuietlyOnBrokenPipe();
const code = workingDirectoryGone() ? EXIT.USAGE : await run();
process.exitCode = code;
// Everything printed reaches the reader first: output to a pipe is written asynchronously, and a reader slower than us
// (`… --json | a-script`) held the rest back when the process ended — a 6 MB status came out as its first 64 KiB.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Then never let a stray handle keep a finished command alive.
setTimeout(() => process.exit(code), 100).unref();

/** Resolves once what was written to `stream` has been handed to the OS, or the stream has ended (its reader left). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', resolve);
    // Written after everything before it: its callback comes once all of that is out (or with the error that ended it).
    stream.write('', () => resolve());
  });
}

/**
 * True (and said) when the current directory was deleted: every relative path, the project search and the display of
 * paths need it, and Node reports it as a bare "ENOENT, uv_cwd" from deep inside.
 */
function workingDirectoryGone(): boolean {
  try {
    process.cwd();
    return false;
  } catch {
    printErrorLines('error: the current directory no longer exists (it was deleted or moved away); cd into an existing directory, then run the command again.');
    return true;
  }
}

async function run(): Promise<number> {
  // A runner in spawned mode starts `workflow execute-skill-command` for every step: go straight to it instead of
  // loading and building the commander program (docs/decisions.md, "A direct path for execute-skill-command").
  const skillCommand = matchSkillCommandArgv(process.argv);
  return skillCommand === undefined
    ? (await import('./program.js')).main(process.argv)
    : exitCodeOf(async () => (await import('./commands/workflow-execute-skill-command.js')).executeSkillCommandCommand(skillCommand), skillCommand.json);
}
