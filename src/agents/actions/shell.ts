// The `shell` agent: `run` executes a command in the step directory, in its own process group, under the step timeout.
// `argv` runs a program directly; `script` runs text with /bin/sh — it comes from the workflow file (`run:` steps),
// which the project trusts like a Makefile.

import { timeoutError } from '../../step-errors.js';
import { z } from 'zod';
import { runProcess } from '../../exec/run-process.js';
import type { ActionDefinition } from '../action.js';

const paramsSchema = z
  .strictObject({
    script: z.string().min(1).optional().describe('Shell script run with /bin/sh -c (from a `run:` step).'),
    argv: z.array(z.string()).min(1).optional().describe('Program and arguments, run without a shell.'),
    _: z.array(z.unknown()).optional().describe('Positional form: the program and its arguments.'),
  })
  .refine((params) => [params.script, params.argv, params._].filter((value) => value !== undefined).length === 1, {
    message: 'give exactly one of --script, --argv or a positional command',
  });

/** Lines of output kept in `outputs.stdout` / `outputs.stderr`. */
const TAIL_BYTES = 16 * 1024;

export const shellRun: ActionDefinition<z.output<typeof paramsSchema>> = {
  agent: 'shell',
  name: 'run',
  aliases: ['exec', 'command'],
  kind: 'builtin',
  description: 'Run a command in the step directory; succeeds when it exits 0.',
  params: paramsSchema,
  async run(params, context) {
    const argv = params.argv ?? params._?.map(String);
    const [file, ...args] = argv ?? ['/bin/sh', '-c', params.script ?? ''];
    const result = await runProcess({
      file: file as string,
      args,
      cwd: context.stepDir,
      env: context.env,
      timeoutMs: context.timeoutMs,
      signal: context.signal,
      maxOutputBytes: TAIL_BYTES,
    });
    const outputs = { exit_code: result.exitCode, stdout: result.stdout, stderr: result.stderr, duration_ms: Math.round(result.durationMs) };
    if (result.spawnError !== undefined) {
      return { status: 'failed', outputs, artifacts: [], error: { message: `Cannot run ${JSON.stringify(file)}: ${result.spawnError.code ?? result.spawnError.message}`, code: 'SPAWN_FAILED', retryable: false } };
    }
    if (result.timedOut) return { status: 'failed', outputs, artifacts: [], error: timeoutError('Command', context.timeoutMs) };
    if (result.cancelled) return { status: 'failed', outputs, artifacts: [], error: { message: 'Command was cancelled', code: 'CANCELLED', retryable: false } };
    if (result.exitCode !== 0) {
      const reason = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
      const tail = lastLine(result.stderr) ?? lastLine(result.stdout);
      return { status: 'failed', outputs, artifacts: [], error: { message: `Command ${reason}${tail === undefined ? '' : `: ${tail}`}`, code: 'EXIT_CODE', retryable: true } };
    }
    return { status: 'success', outputs, artifacts: [], output: lastLine(result.stdout) ?? 'done' };
  },
};

function lastLine(text: string): string | undefined {
  const line = text.trimEnd().split('\n').at(-1)?.trim();
  return line === undefined || line === '' ? undefined : line.slice(0, 300);
}
