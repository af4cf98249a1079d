// The skill command grammar shared by the executor, command files and `execute-skill-command`:
//   @<agent> <action> [--key value | --flag | positional]…
// Quoting rule (docs/skill-commands.md): a value is written bare when it is a plain word, otherwise as a JSON string
// literal ("…" with JSON escapes), so spaces, quotes, newlines and unicode survive and a command is always one line.
// Numbers, booleans, null, objects and arrays are written as JSON. Keys are snake_case (`--target-file` and
// `--target_file` both read as `target_file`). The original's forms also parse: `*action`, 'single-quoted' values.

import { TappsError } from '../errors.js';

/** A parsed skill command. */
export interface SkillInvocation {
  agent: string;
  /** The action as written, normalised to kebab-case (`gather_requirements` → `gather-requirements`). */
  action: string;
  /** Flag values by snake_case key; positional values, if any, under `_`. */
  params: Record<string, unknown>;
}

const WORD = /^[A-Za-z0-9_.,/:@%+=~^-][^\s"'\\]*$/;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Normalises an action name: lower-case kebab-case. */
export function normaliseAction(action: string): string {
  return action.replace(/^\*/, '').toLowerCase().replaceAll('_', '-');
}

/** Normalises a flag name: lower-case snake_case. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replaceAll('-', '_');
}

/**
 * Parses `@agent action --key value …`.
 * @throws {TappsError} SKILL_COMMAND_INVALID with the column of the problem.
 */
export function parseSkillCommand(text: string): SkillInvocation {
  const tokens = tokenize(text);
  const [agentToken, actionToken, ...rest] = tokens;
  if (agentToken?.raw.startsWith('@') !== true || !NAME.test(agentToken.raw.slice(1))) {
    throw invalid(text, agentToken?.start ?? 0, 'expected "@<agent>" first, e.g. "@analyst gather-requirements"');
  }
  if (actionToken === undefined || actionToken.quoted || !NAME.test(actionToken.raw.replace(/^\*/, ''))) {
    throw invalid(text, actionToken?.start ?? text.length, 'expected an action after the agent, e.g. "gather-requirements"');
  }
  const params: Record<string, unknown> = {};
  const positional: unknown[] = [];
  for (let index = 0; index < rest.length; index++) {
    const token = rest[index] as Token;
    if (!token.quoted && token.raw.startsWith('--') && token.raw.length > 2) {
      const [name, inlineValue] = splitInline(token.raw.slice(2));
      if (!NAME.test(name)) throw invalid(text, token.start, `"--${name}" is not a valid flag name`);
      const key = normaliseKey(name);
      if (key in params) throw invalid(text, token.start, `"--${name}" is given twice`);
      if (inlineValue !== undefined) {
        params[key] = readValue({ raw: inlineValue, quoted: false, start: token.start }, text);
        continue;
      }
      const next = rest[index + 1];
      if (next === undefined || (!next.quoted && next.raw.startsWith('--') && next.raw.length > 2)) {
        params[key] = true;
      } else {
        params[key] = readValue(next, text);
        index++;
      }
    } else {
      positional.push(readValue(token, text));
    }
  }
  if (positional.length > 0) params._ = positional;
  return { agent: agentToken.raw.slice(1).toLowerCase(), action: normaliseAction(actionToken.raw), params };
}

/** Writes an invocation as a one-line skill command that `parseSkillCommand` reads back to the same value. */
export function formatSkillCommand(invocation: SkillInvocation): string {
  const parts = [`@${invocation.agent}`, normaliseAction(invocation.action)];
  for (const [key, value] of Object.entries(invocation.params)) {
    if (key === '_' && Array.isArray(value)) {
      parts.push(...value.map(formatValue));
      continue;
    }
    if (value === undefined) continue;
    parts.push(`--${normaliseKey(key).replaceAll('_', '-')}`, formatValue(value));
  }
  return parts.join(' ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return isBare(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

function isBare(value: string): boolean {
  return WORD.test(value) && !value.startsWith('--') && !value.startsWith('*') && looksLikeJson(value) === undefined;
}

/** A bare word that JSON reads as a number, boolean or null (so it must be quoted to stay a string). */
function looksLikeJson(word: string): { value: unknown } | undefined {
  if (!/^(-?\d|true$|false$|null$)/.test(word)) return undefined;
  try {
    return { value: JSON.parse(word) as unknown };
  } catch {
    return undefined;
  }
}

interface Token {
  raw: string;
  /** True for "…" and '…' tokens: their text is a value, never a flag. */
  quoted: boolean;
  /** JSON-decoded text for "…" tokens, literal text for '…' tokens. */
  text?: string;
  start: number;
}

function readValue(token: Token, source: string): unknown {
  if (token.quoted) {
    const text = token.text ?? '';
    // The original wrote objects as --key '<json>'.
    if (token.raw.startsWith("'") && /^[[{]/.test(text)) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text;
  }
  if (/^[[{]/.test(token.raw)) {
    try {
      return JSON.parse(token.raw) as unknown;
    } catch {
      throw invalid(source, token.start, `${token.raw.startsWith('{') ? 'object' : 'list'} value is not valid JSON`);
    }
  }
  const json = looksLikeJson(token.raw);
  return json === undefined ? token.raw : json.value;
}

function splitInline(flag: string): [string, string | undefined] {
  const at = flag.indexOf('=');
  return at === -1 ? [flag, undefined] : [flag.slice(0, at), flag.slice(at + 1)];
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    const start = index;
    if (char === '"') {
      index = endOfJsonString(text, index);
      const raw = text.slice(start, index);
      tokens.push({ raw, quoted: true, text: JSON.parse(raw) as string, start });
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) throw invalid(text, start, "unterminated '…' value");
      tokens.push({ raw: text.slice(start, end + 1), quoted: true, text: text.slice(start + 1, end), start });
      index = end + 1;
    } else if (char === '{' || char === '[') {
      index = endOfJsonValue(text, index);
      tokens.push({ raw: text.slice(start, index), quoted: false, start });
    } else {
      while (index < text.length && !/\s/.test(text[index] as string)) index++;
      tokens.push({ raw: text.slice(start, index), quoted: false, start });
    }
  }
  return tokens;
}

function endOfJsonString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '"') {
      const raw = text.slice(start, index + 1);
      try {
        JSON.parse(raw);
      } catch {
        throw invalid(text, start, 'quoted value has an invalid escape (values use JSON string escapes)');
      }
      return index + 1;
    } else index++;
  }
  throw invalid(text, start, 'unterminated "…" value');
}

function endOfJsonValue(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      index = endOfJsonString(text, index);
      continue;
    }
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return index + 1;
    }
    index++;
  }
  throw invalid(text, start, 'unterminated JSON value');
}

function invalid(text: string, column: number, message: string): TappsError {
  return new TappsError('SKILL_COMMAND_INVALID', `Invalid skill command at column ${column + 1}: ${message}: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 197)}...` : text)}`, {
    details: { column: column + 1 },
  });
}
