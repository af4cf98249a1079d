// Coding-agent CLI engines (claude, codex, cursor-agent, aider, gemini): run headless in the step directory, in their
// own process group under the step timeout, with the prompt as one argv element. They edit files themselves.

import { timeoutError } from '../step-errors.js';
import { runProcess, type ProcessResult } from '../exec/run-process.js';
import { cliArguments, isPermanentFailure, parseCliOutput, VERSIONED_CLIS, type CliProvider } from './cli-invocations.js';
import { cliVersion } from './cli-version.js';
import type { Engine, EngineTranscript } from './engine.js';
import type { EngineSpec } from './engine-spec.js';

/** Output kept from a CLI run (its JSON answer is at the end). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
/** How much of a failed CLI's output its step error quotes (all of it is in engine-output.log). */
const ERROR_TAIL_LINES = 15;
const ERROR_TAIL_CHARS = 2000;

/** An engine that runs a coding-agent CLI. */
export function createCliEngine(spec: EngineSpec & { provider: CliProvider }): Engine {
  const command = spec.command ?? spec.provider;
  return {
    name: spec.name,
    writesFiles: true,
    async generate(request) {
      const timeoutMs = Math.min(request.timeoutMs, spec.timeoutMs ?? Number.POSITIVE_INFINITY);
      const prompt = `${request.system}\n\n${request.prompt}`;
      const version = VERSIONED_CLIS.has(spec.provider) ? await cliVersion(command, request.env, request.cwd) : undefined;
      const args = cliArguments(spec.provider, prompt, spec.model, request.expectedFiles, version);
      const envNames = Object.keys(request.env).sort();
      request.logger?.debug('engine command', { engine: spec.name, command, ...(version === undefined ? {} : { version: version.join('.') }), args, env_names: envNames, cwd: request.cwd });
      const bytes = { stdout: 0, stderr: 0 };
      const result = await runProcess({
        file: command,
        args,
        cwd: request.cwd,
        env: request.env,
        timeoutMs,
        signal: request.signal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        onOutput: (stream, chunk) => {
          bytes[stream] += Buffer.byteLength(chunk);
        },
      });
      const answer = parseCliOutput(spec.provider, result.stdout, result.stderr);
      const usage = { engine: spec.name, ...(spec.model === undefined ? {} : { model: spec.model }), ...answer.usage };
      const transcript: EngineTranscript = {
        // The prompt is in prompt.md already: the log names it rather than repeating it.
        invocation: [command, ...args].map((arg) => (arg === prompt ? `<the prompt: ${prompt.length} characters, in prompt.md>` : quoteArgument(arg))).join(' '),
        envNames,
        outcome: outcomeOf(result, timeoutMs),
        streams: [
          { name: 'stdout', text: result.stdout, bytes: bytes.stdout },
          { name: 'stderr', text: result.stderr, bytes: bytes.stderr },
        ],
      };
      if (result.spawnError !== undefined) {
        return { ok: false, error: { code: 'SPAWN_FAILED', message: `Cannot run ${JSON.stringify(command)}: ${result.spawnError.code ?? result.spawnError.message}`, retryable: false }, usage, transcript };
      }
      if (result.timedOut) return { ok: false, error: timeoutError(command, timeoutMs), usage, transcript };
      if (result.cancelled) return { ok: false, error: { code: 'CANCELLED', message: `${command} was cancelled`, retryable: false }, usage, transcript };
      if (result.exitCode !== 0 || answer.failed !== undefined) {
        const reason = result.exitCode === 0 ? 'reported an error' : result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
        const detail = answer.failed === undefined ? (describeTail(result.stderr, 'stderr') ?? describeTail(result.stdout, 'stdout') ?? '') : `: ${answer.failed}`;
        // A refused key or request fails the same way every time: retrying only spends the step's attempts.
        const retryable = !isPermanentFailure(answer, `${result.stdout}\n${result.stderr}`);
        return { ok: false, error: { code: 'ENGINE_FAILED', message: `${command} ${reason}${detail}`, retryable }, usage, transcript };
      }
      return { ok: true, text: answer.text, usage, transcript };
    },
  };
}

function outcomeOf(result: ProcessResult, timeoutMs: number): string {
  if (result.spawnError !== undefined) return `not started: ${result.spawnError.code ?? result.spawnError.message}`;
  const end = result.exitCode === null ? `killed by ${result.signal ?? 'a signal'}` : `exit code ${result.exitCode}`;
  if (result.timedOut) return `timed out after ${timeoutMs} ms, ${end}`;
  if (result.cancelled) return `cancelled, ${end}`;
  return end;
}

/**
 * The end of a failed CLI's output for the step error: its last line as ": line", or its last lines (at most
 * ERROR_TAIL_LINES, ERROR_TAIL_CHARS) on lines of their own. The step's engine-output.log has all of it.
 */
export function describeTail(text: string, stream: 'stdout' | 'stderr'): string | undefined {
  const lines = text.replace(/\r\n?/g, '\n').trimEnd().split('\n').slice(-ERROR_TAIL_LINES);
  while (lines.length > 0 && (lines[0] ?? '').trim() === '') lines.shift();
  if (lines.length === 0) return undefined;
  if (lines.length === 1) return `: ${(lines[0] ?? '').trim().slice(0, ERROR_TAIL_CHARS)}`;
  let tail = lines.join('\n');
  if (tail.length > ERROR_TAIL_CHARS) tail = `…${tail.slice(tail.length - ERROR_TAIL_CHARS)}`;
  return `; the last ${lines.length} lines of its ${stream}:\n${tail}`;
}

/** An argument as a shell would need it, so the invocation reads (and can be re-run) as one line. */
function quoteArgument(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`;
}
