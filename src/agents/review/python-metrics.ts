// Static metrics of one Python file, from a token scan (no Python needed): per-function cyclomatic complexity, source
// lines, Halstead volume and maintainability index, in the same shape as the TS/JS metrics. Functions are found by
// `def` and their indented bodies; docs/agents.md lists what is counted.

import { maintainabilityIndex, type FileMetrics, type FunctionMetrics } from './code-metrics.js';

interface Token {
  text: string;
  line: number;
  /** Last line the token covers (multi-line strings). */
  endLine: number;
  kind: 'operand' | 'operator' | 'comment';
  /** First token on its line. */
  leading: boolean;
}

const TOKEN =
  /("""[\s\S]*?"""|'''[\s\S]*?'''|[rbfuRBFU]{0,2}"(?:\\.|[^"\\\n])*"|[rbfuRBFU]{0,2}'(?:\\.|[^'\\\n])*'|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|\*\*=?|\/\/=?|->|:=|[<>=!]=|<<=?|>>=?|[-+*/%&|^@]=?|[()[\]{},:.;~<>=])/g;

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
const OPERAND_KEYWORDS = new Set(['True', 'False', 'None', 'self']);
const DECISIONS = new Set(['if', 'elif', 'for', 'while', 'except', 'and', 'or']);

/** Analyses Python source text as the file `file`. */
export function analysePython(file: string, text: string): FileMetrics {
  const tokens = tokenize(text);
  const lines = text.split('\n');
  const ranges = functionRanges(lines);
  const functions: FunctionMetrics[] = ranges.map((range) => {
    const nested = ranges.filter((other) => other !== range && other.start > range.start && other.end <= range.end);
    const own = tokens.filter((token) => token.kind !== 'comment' && token.line >= range.start && token.line <= range.end && !nested.some((inner) => token.line >= inner.start && token.line <= inner.end));
    const complexity = 1 + own.filter((token) => DECISIONS.has(token.text) || (token.text === 'case' && token.leading)).length;
    const sloc = codeLines(own);
    const volume = halsteadVolume(own);
    return { name: range.name, line: range.start, complexity, sloc, halsteadVolume: round(volume), maintainability: round(maintainabilityIndex(volume, complexity, sloc)) };
  });
  const maintainability = functions.length > 0 ? round(functions.reduce((sum, fn) => sum + fn.maintainability, 0) / functions.length) : null;
  return { file, sloc: codeLines(tokens.filter((token) => token.kind !== 'comment')), lines: lines.length, functions, maintainability };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lastIndex = 0;
  let lastLine = 0;
  for (const match of text.matchAll(TOKEN)) {
    const value = match[0];
    line += countNewlines(text, lastIndex, match.index);
    lastIndex = match.index;
    const endLine = line + countNewlines(value, 0, value.length);
    const kind = value.startsWith('#') ? 'comment' : /^[A-Za-z_]/.test(value) ? (KEYWORDS.has(value) && !OPERAND_KEYWORDS.has(value) ? 'operator' : 'operand') : /^[\d"'rbfuRBFU]/.test(value) ? 'operand' : 'operator';
    tokens.push({ text: value, line, endLine, kind, leading: line !== lastLine });
    lastLine = endLine;
  }
  return tokens;
}

interface FunctionRange {
  name: string;
  start: number;
  end: number;
}

/** `def` blocks (1-based inclusive line ranges), named by their enclosing classes and functions (`Store.add`). */
function functionRanges(lines: string[]): FunctionRange[] {
  const ranges: FunctionRange[] = [];
  const scopes: { name: string; indent: number }[] = [];
  lines.forEach((text, index) => {
    const header = /^\s*(?:(?:async\s+)?def|class)\s+(\w+)/.exec(text);
    if (header === null) return;
    const indent = indentOf(text);
    while (scopes.length > 0 && (scopes.at(-1)?.indent ?? 0) >= indent) scopes.pop();
    const name = [...scopes.map((scope) => scope.name), header[1] as string].join('.');
    scopes.push({ name: header[1] as string, indent });
    if (/^\s*class\s/.test(text)) return;
    let end = index;
    for (let next = index + 1; next < lines.length; next++) {
      const body = lines[next] as string;
      if (body.trim() === '' || body.trim().startsWith('#')) continue;
      if (indentOf(body) <= indent) break;
      end = next;
    }
    ranges.push({ name, start: index + 1, end: end + 1 });
  });
  return ranges;
}

function halsteadVolume(tokens: readonly Token[]): number {
  const operators = new Set(tokens.filter((token) => token.kind === 'operator').map((token) => token.text));
  const operands = new Set(tokens.filter((token) => token.kind === 'operand').map((token) => token.text));
  const distinct = operators.size + operands.size;
  return distinct < 2 ? tokens.length : tokens.length * Math.log2(distinct);
}

function codeLines(tokens: readonly Token[]): number {
  const lines = new Set<number>();
  for (const token of tokens) for (let line = token.line; line <= token.endLine; line++) lines.add(line);
  return lines.size;
}

function indentOf(text: string): number {
  return (/^[ \t]*/.exec(text)?.[0] ?? '').replaceAll('\t', '    ').length;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = from; index < to; index++) if (text.charCodeAt(index) === 10) count++;
  return count;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
