// engine-output.log: what the engine of a model step ran and said (a CLI's argv, exit and full stdout/stderr; an API
// engine's request and answer), beside prompt.md in the step's directory, so a failure can be read whole
// (`tapps-agents workflow logs <run> <step>`). Secrets are redacted; each stream keeps at most its last
// ENGINE_LOG_STREAM_CAP bytes, and the file says so when it cut one.

import path from 'node:path';
import type { EngineTranscript } from '../../engines/engine.js';
import { writeFileAtomically } from '../../fs/atomic-write.js';
import { redactSecrets, secretValuesFromEnv } from '../../redaction/redact.js';
import type { Correlation } from '../skill.js';

/** The file, in the step's record directory, holding the engine's output of the latest attempt. */
export const ENGINE_OUTPUT_FILE_NAME = 'engine-output.log';

/** Bytes kept of each stream (the tail: a CLI's answer and errors come last). Documented in docs/agents.md. */
export const ENGINE_LOG_STREAM_CAP = 1024 * 1024;

/** Writes engine-output.log for one attempt (replacing the previous attempt's). */
export async function saveEngineOutput(recordDir: string, record: { engine: string; transcript: EngineTranscript; correlation: Correlation; env: NodeJS.ProcessEnv }): Promise<string> {
  const secrets = secretValuesFromEnv(record.env);
  const redact = (text: string) => redactSecrets(text, secrets);
  const { transcript, correlation } = record;
  const lines = [
    `# tapps-agents engine output of step ${correlation.step_id}, attempt ${correlation.attempt}, engine ${record.engine}, ${new Date().toISOString()}`,
    `# Each stream keeps at most its last ${ENGINE_LOG_STREAM_CAP} bytes (1 MiB); secrets are redacted.`,
    `invocation: ${redact(transcript.invocation)}`,
    `environment variables passed (names only): ${transcript.envNames.join(' ') || '(none)'}`,
    `outcome: ${transcript.outcome}`,
  ];
  for (const stream of transcript.streams) {
    const kept = tailBytes(stream.text, ENGINE_LOG_STREAM_CAP);
    const keptBytes = Buffer.byteLength(kept);
    const cut = stream.bytes > keptBytes ? `, cut: the first ${stream.bytes - keptBytes} bytes are not kept` : '';
    lines.push('', `===== ${stream.name} (${stream.bytes} bytes${cut}) =====`, redact(kept).replace(/\n$/, ''));
  }
  const file = path.join(recordDir, ENGINE_OUTPUT_FILE_NAME);
  await writeFileAtomically(file, `${lines.join('\n')}\n`, { dirMode: 0o700 });
  return file;
}

/** The last `limit` bytes of `text`, never splitting a character. */
function tailBytes(text: string, limit: number): string {
  const buffer = Buffer.from(text);
  if (buffer.length <= limit) return text;
  let start = buffer.length - limit;
  while (start < buffer.length && ((buffer[start] ?? 0) & 0xc0) === 0x80) start++;
  return buffer.subarray(start).toString('utf8');
}
