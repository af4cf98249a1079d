// Coding-agent CLI engines (claude, codex, cursor-agent, aider, gemini): run headless in the step directory, in their
// own process group under the step timeout, with the prompt as one argv element. They edit files themselves.

import { timeoutError } from '../step-errors.js';
import { runProcess } from '../exec/run-process.js';
import { cliArguments, isPermanentFailure, parseCliOutput, VERSIONED_CLIS, type CliProvider } from './cli-invocations.js';
import { cliVersion } from './cli-version.js';
import type { Engine } from './engine.js';
import type { EngineSpec } from './engine-spec.js';

/** Output kept from a CLI run (its JSON answer is at the end). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

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
      request.logger?.debug('engine command', { engine: spec.name, command, ...(version === undefined ? {} : { version: version.join('.') }), args, cwd: request.cwd });
      const result = await runProcess({
        file: command,
        args,
        cwd: request.cwd,
        env: request.env,
        timeoutMs,
        signal: request.signal,
        maxOutputBytes: MAX_OUTPUT_BYTES,
      });
      const answer = parseCliOutput(spec.provider, result.stdout, result.stderr);
      const usage = { engine: spec.name, ...(spec.model === undefined ? {} : { model: spec.model }), ...answer.usage };
      if (result.spawnError !== undefined) {
        return { ok: false, error: { code: 'SPAWN_FAILED', message: `Cannot run ${JSON.stringify(command)}: ${result.spawnError.code ?? result.spawnError.message}`, retryable: false }, usage };
      }
      if (result.timedOut) return { ok: false, error: timeoutError(command, timeoutMs), usage };
      if (result.cancelled) return { ok: false, error: { code: 'CANCELLED', message: `${command} was cancelled`, retryable: false }, usage };
      if (result.exitCode !== 0 || answer.failed !== undefined) {
        const reason = result.exitCode === 0 ? 'reported an error' : result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
        const detail = answer.failed ?? lastLine(result.stderr) ?? lastLine(result.stdout);
        // A refused key or request fails the same way every time: retrying only spends the step's attempts.
        const retryable = !isPermanentFailure(answer, `${result.stdout}\n${result.stderr}`);
        return { ok: false, error: { code: 'ENGINE_FAILED', message: `${command} ${reason}${detail === undefined ? '' : `: ${detail}`}`, retryable }, usage };
      }
      return { ok: true, text: answer.text, usage };
    },
  };
}

function lastLine(text: string): string | undefined {
  const line = text.trimEnd().split('\n').at(-1)?.trim();
  return line === undefined || line === '' ? undefined : line.slice(0, 300);
}
