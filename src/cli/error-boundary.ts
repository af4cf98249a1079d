// The one place a command's errors become exit codes and messages: expected failures (TappsError) are reported in a
// line (or as JSON with --json); anything else is a bug, reported with its stack.

import { TappsError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { printErrorLines, printJson } from './output.js';

/** Runs `command` and resolves to its exit code, or to the exit code of what it threw. Never throws. */
export async function exitCodeOf(command: () => Promise<number>, wantsJson: boolean): Promise<number> {
  try {
    return await command();
  } catch (error) {
    return reportError(error, wantsJson);
  }
}

/** Reports an error a command threw and returns its exit code. */
export function reportError(error: unknown, wantsJson: boolean): number {
  if (TappsError.is(error)) {
    if (wantsJson) printJson({ error: { code: error.code, message: error.message, details: error.details } });
    else printErrorLines(`error: ${error.message}`);
    return exitCodeFor(error.code);
  }
  printErrorLines(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    'This is a bug in tapps-agents. Please report it with the command you ran and the output of "tapps-agents --version".',
  );
  return EXIT.INTERNAL;
}
