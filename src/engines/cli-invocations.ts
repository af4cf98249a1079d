// How each coding-agent CLI is run headless (its argv) and how its output is read (answer text, tokens, cost).
// Kept apart from the process handling so each CLI's contract can be read, documented and tested in one place.

import type { Usage } from '../observability/observer.js';
import { isOlder, type CliVersion } from './cli-version.js';
import type { EngineProvider } from './engine-spec.js';

/** The CLI providers. */
export type CliProvider = Exclude<EngineProvider, 'openai-compatible' | 'anthropic' | 'manual'>;

/** What a CLI answered. */
export interface CliAnswer {
  text: string;
  usage: Omit<Usage, 'engine'>;
  /** The CLI said it failed (e.g. claude's `is_error`). */
  failed?: string;
  /** The HTTP status of the model API's refusal, when the CLI reports it (claude `api_error_status`, gemini `error.code`). */
  httpStatus?: number;
}

/** CLIs whose flags depend on their version: the engine asks `<cli> --version` (once) before building the argv. */
export const VERSIONED_CLIS: ReadonlySet<CliProvider> = new Set(['codex']);

/** codex 0.150 rejects `--full-auto`; `--sandbox workspace-write` is what it meant for `exec` (approvals never ask). */
const CODEX_WITHOUT_FULL_AUTO: CliVersion = [0, 150, 0];

/** The arguments for one headless run; the prompt is always a single argv element, never shell text. */
export function cliArguments(provider: CliProvider, prompt: string, model: string | undefined, files: readonly string[], version?: CliVersion): string[] {
  const withModel = (flag: string) => (model === undefined ? [] : [flag, model]);
  switch (provider) {
    case 'claude':
      return ['-p', '--output-format', 'json', '--permission-mode', 'acceptEdits', ...withModel('--model'), prompt];
    case 'codex':
      return ['exec', '--json', ...(version !== undefined && isOlder(version, CODEX_WITHOUT_FULL_AUTO) ? ['--full-auto'] : ['--sandbox', 'workspace-write']), '--skip-git-repo-check', ...withModel('--model'), prompt];
    case 'cursor-agent':
      return ['-p', '--output-format', 'json', '--force', ...withModel('--model'), prompt];
    case 'aider':
      return ['--message', prompt, '--yes-always', '--no-auto-commits', '--no-check-update', '--no-pretty', ...withModel('--model'), ...files];
    case 'gemini':
      return ['-p', prompt, '--yolo', '--output-format', 'json', ...withModel('--model')];
  }
}

/** HTTP statuses of a model API that no retry changes: bad request, bad or unauthorised key, unknown model. */
const PERMANENT_STATUSES = new Set([400, 401, 403, 404]);
/** How the CLIs word a refused key when they give no status. */
const AUTH_REFUSED = /\b(?:401|403) Unauthorized|\bstatus(?: code)?:? (?:401|403)\b|invalid api key|api key not valid|invalid x-api-key|authentication_error|failed to authenticate/i;

/** True when a failed run would fail the same way again (the model API refused the key or the request). */
export function isPermanentFailure(answer: CliAnswer, output: string): boolean {
  if (answer.httpStatus !== undefined) return PERMANENT_STATUSES.has(answer.httpStatus);
  return AUTH_REFUSED.test(output);
}

/** Reads a CLI's output into the answer and usage it reports. */
export function parseCliOutput(provider: CliProvider, stdout: string, stderr = ''): CliAnswer {
  switch (provider) {
    case 'claude':
    case 'cursor-agent':
      return parseResultJson(stdout);
    case 'codex':
      return parseCodexEvents(stdout);
    case 'aider':
      return parseAider(stdout);
    case 'gemini':
      return parseGeminiJson(stdout, stderr);
  }
}

/** claude / cursor-agent `--output-format json`: one object `{type:"result", result, is_error, usage, total_cost_usd}`. */
function parseResultJson(stdout: string): CliAnswer {
  const parsed = lastJsonObject(stdout);
  if (parsed === undefined) return { text: stdout.trim(), usage: {} };
  const usage = (parsed.usage ?? {}) as Record<string, unknown>;
  const cost = parsed.total_cost_usd ?? parsed.cost_usd;
  const answer: CliAnswer = {
    text: typeof parsed.result === 'string' ? parsed.result : stdout.trim(),
    usage: {
      ...numberField('input_tokens', sumNumbers(usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens)),
      ...numberField('output_tokens', usage.output_tokens),
      ...numberField('cost_usd', cost),
      ...(typeof parsed.model === 'string' ? { model: parsed.model } : {}),
    },
  };
  if (parsed.is_error === true || parsed.subtype === 'error') answer.failed = typeof parsed.result === 'string' ? parsed.result : 'the CLI reported an error';
  if (typeof parsed.api_error_status === 'number') answer.httpStatus = parsed.api_error_status;
  return answer;
}

/**
 * gemini `--output-format json`: `{response, stats: {models: {<model>: {tokens: {prompt, candidates, thoughts}}}}}` on
 * stdout, or `{error: {type, message, code}}` on stderr. Text output (older versions) is taken as the answer.
 */
function parseGeminiJson(stdout: string, stderr: string): CliAnswer {
  const parsed = jsonDocument(stdout) ?? jsonDocument(stderr);
  if (parsed === undefined) return { text: stdout.trim(), usage: {} };
  const models = Object.entries(((parsed.stats as Record<string, unknown> | undefined)?.models ?? {}) as Record<string, { tokens?: Record<string, unknown> }>);
  const tokens = models.map(([, stats]) => stats.tokens ?? {});
  const answer: CliAnswer = {
    text: typeof parsed.response === 'string' ? parsed.response : '',
    usage: {
      ...numberField('input_tokens', sumNumbers(...tokens.map((t) => t.prompt))),
      ...numberField('output_tokens', sumNumbers(...tokens.flatMap((t) => [t.candidates, t.thoughts]))),
      ...(models.length === 1 && models[0] !== undefined ? { model: models[0][0] } : {}),
    },
  };
  const error = parsed.error as Record<string, unknown> | undefined;
  if (error !== undefined) {
    answer.failed = geminiErrorMessage(error);
    if (typeof error.code === 'number') answer.httpStatus = error.code;
  }
  return answer;
}

/** The API's own error is JSON inside the message: `{"error":{"code":401,"message":"…","status":"UNAUTHENTICATED"}}`. */
function geminiErrorMessage(error: Record<string, unknown>): string {
  if (typeof error.message !== 'string') return 'gemini reported an error';
  const api = parseObject(error.message)?.error as Record<string, unknown> | undefined;
  if (api === undefined || typeof api.message !== 'string') return error.message;
  const code = typeof api.code === 'number' ? api.code : error.code;
  return `API error ${typeof code === 'number' ? code : '?'}${typeof api.status === 'string' ? ` ${api.status}` : ''}: ${api.message}`;
}

/** The last JSON object printed over several lines (from a line starting with "{"), after any other output. */
function jsonDocument(text: string): Record<string, unknown> | undefined {
  const starts = [...text.matchAll(/^\{/gm)].map((match) => match.index);
  return starts.length === 0 ? undefined : parseObject(text.slice(starts.at(-1)).trim());
}

/** codex `exec --json`: JSON lines; agent messages in `item.completed`, tokens in `turn.completed.usage`. */
function parseCodexEvents(stdout: string): CliAnswer {
  const texts: string[] = [];
  let input: number | undefined;
  let output: number | undefined;
  let failed: string | undefined;
  for (const line of stdout.split('\n')) {
    const event = parseObject(line);
    if (event === undefined) continue;
    const item = event.item as Record<string, unknown> | undefined;
    if (event.type === 'item.completed' && (item?.type === 'agent_message' || item?.item_type === 'assistant_message') && typeof item.text === 'string') texts.push(item.text);
    if (event.type === 'turn.completed') {
      const usage = (event.usage ?? {}) as Record<string, unknown>;
      input = (input ?? 0) + (typeof usage.input_tokens === 'number' ? usage.input_tokens : 0);
      output = (output ?? 0) + (typeof usage.output_tokens === 'number' ? usage.output_tokens : 0);
    }
    if (event.type === 'turn.failed' || event.type === 'error') {
      const message = (event.error as Record<string, unknown> | undefined)?.message ?? event.message;
      failed = typeof message === 'string' ? message : 'codex reported an error';
    }
  }
  return { text: texts.join('\n\n'), usage: { ...numberField('input_tokens', input), ...numberField('output_tokens', output) }, ...(failed === undefined ? {} : { failed }) };
}

/** aider prints `Tokens: 2.1k sent, 312 received. Cost: $0.0031 message, $0.0062 session.` */
function parseAider(stdout: string): CliAnswer {
  const usage: CliAnswer['usage'] = {};
  let input = 0;
  let output = 0;
  let cost = 0;
  let seen = false;
  for (const match of stdout.matchAll(/Tokens:\s*([\d.]+)(k?)\s*sent,\s*([\d.]+)(k?)\s*received\.(?:\s*Cost:\s*\$([\d.]+)\s*message)?/g)) {
    seen = true;
    input += Math.round(Number(match[1]) * (match[2] === 'k' ? 1000 : 1));
    output += Math.round(Number(match[3]) * (match[4] === 'k' ? 1000 : 1));
    if (match[5] !== undefined) cost += Number(match[5]);
  }
  if (seen) Object.assign(usage, { input_tokens: input, output_tokens: output }, cost > 0 ? { cost_usd: Math.round(cost * 1e6) / 1e6 } : {});
  return { text: stdout.trim(), usage };
}

function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  const whole = parseObject(stdout.trim());
  if (whole !== undefined) return whole;
  const lines = stdout.trim().split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const parsed = parseObject(lines[index] ?? '');
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function sumNumbers(...values: unknown[]): number | undefined {
  const numbers = values.filter((value): value is number => typeof value === 'number');
  return numbers.length === 0 ? undefined : numbers.reduce((sum, value) => sum + value, 0);
}

function numberField<K extends string>(key: K, value: unknown): Partial<Record<K, number>> {
  return typeof value === 'number' && Number.isFinite(value) ? ({ [key]: value } as Record<K, number>) : {};
}
