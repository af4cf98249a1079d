// Reads a YAML file a person wrote, safely (size cap, alias bombs, directories), keeping positions for file:line:col.

import { stat } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { displayPath } from '../text/display-path.js';
import { isNotRegularFile, kindOfNonRegular, readRegularFile } from '../fs/read-regular-file.js';
import { formatPath, type Problem } from './problem.js';

/** Files larger than this are refused: no configuration or workflow needs more, and parsing one could stall the CLI. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Aliases beyond this count are refused as a likely "billion laughs" attack. */
const MAX_ALIAS_COUNT = 100;

/** A parsed YAML file with what is needed to point at any key in it. */
export interface YamlSource {
  /** Absolute path. */
  absolutePath: string;
  /** The path as shown to people. */
  file: string;
  document: Document;
  lineCounter: LineCounter;
  /** The plain JavaScript value of the document (undefined for an empty file). */
  data: unknown;
}

export type YamlReadResult =
  | { kind: 'missing'; file: string }
  | { kind: 'invalid'; file: string; problems: Problem[] }
  | { kind: 'ok'; source: YamlSource; problems: Problem[] };

/**
 * Reads and parses a YAML file. A missing file is not a problem here (callers decide); a directory, an unreadable or
 * oversized file, a syntax error or an alias bomb is reported as a problem at file:line:col.
 */
export async function readYamlSource(absolutePath: string): Promise<YamlReadResult> {
  const file = displayPath(absolutePath);
  const fail = (message: string, line?: number, col?: number): YamlReadResult => ({
    kind: 'invalid',
    file,
    problems: [{ severity: 'error', file, path: '', message, ...(line === undefined ? {} : { line, col: col ?? 1 }) }],
  });

  let text: string;
  try {
    const info = await stat(absolutePath);
    if (info.isDirectory()) return fail('is a directory, expected a YAML file; remove or rename the directory');
    if (info.size > MAX_YAML_BYTES) {
      return fail(`is ${(info.size / 1024 / 1024).toFixed(1)} MiB; files over 1 MiB are refused`);
    }
    // A FIFO or device would block or stream forever (the read also refuses one swapped in after this stat).
    const kind = kindOfNonRegular(info);
    if (kind !== undefined) return fail(`is ${kind}, expected a YAML file; remove it and write a regular file`);
    text = await readRegularFile(absolutePath);
  } catch (error) {
    if (isNotRegularFile(error)) return fail(`is ${String(error.details.kind)}, expected a YAML file; remove it and write a regular file`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing', file };
    return fail(`cannot be read (${code ?? String(error)}); check that the file exists and its permissions`);
  }
  if (text.includes('\0')) return fail('is a binary file, expected YAML text');

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = [];
  for (const [severity, list] of [['error', document.errors], ['warning', document.warnings]] as const) {
    for (const error of list) {
      const position = lineCounter.linePos(error.pos[0]);
      problems.push({ severity, file, line: position.line, col: position.col, path: '', message: yamlMessage(error.message) });
    }
  }
  if (problems.some((problem) => problem.severity === 'error')) return { kind: 'invalid', file, problems };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    if (/alias/i.test(message)) {
      return fail(`uses more than ${MAX_ALIAS_COUNT} YAML aliases (a possible alias bomb); expand them or simplify the file`, 1, 1);
    }
    return fail(`cannot be read as YAML: ${message}`, 1, 1);
  }
  return { kind: 'ok', source: { absolutePath, file, document, lineCounter, data }, problems };
}

function yamlMessage(message: string): string {
  // A deeply nested document overflows the parser's stack; say what that means for the file.
  if (/Maximum call stack size exceeded/.test(message)) return 'is nested too deeply to read; flatten the nesting';
  // The yaml package ends messages with " at line L, column C"; we already print the position in front.
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

/**
 * The 1-based position of the value at `keyPath`, or of the key itself with `atKey`. A path that does not exist points
 * at its nearest existing parent, so "missing key" problems land on the mapping that should hold it.
 */
export function locate(
  source: Pick<YamlSource, 'document' | 'lineCounter'>,
  keyPath: readonly PropertyKey[],
  options: { atKey?: boolean } = {},
): { line: number; col: number } {
  let node: unknown = source.document.contents;
  let best: Node | undefined = isNodeWithRange(node) ? node : undefined;
  for (const [index, segment] of keyPath.entries()) {
    const last = index === keyPath.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      if (last && options.atKey && isNodeWithRange(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
      if (isNodeWithRange(node)) best = node;
      else if (isNodeWithRange(pair.key)) best = pair.key;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) break;
      node = item;
      if (isNodeWithRange(node)) best = node;
    } else {
      break;
    }
  }
  const offset = best?.range?.[0] ?? 0;
  return source.lineCounter.linePos(offset);
}

/** True when the document explicitly sets `keyPath` (defaults do not count). */
export function hasKey(source: Pick<YamlSource, 'document'>, keyPath: readonly PropertyKey[]): boolean {
  return source.document.hasIn(keyPath as unknown[]);
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}

/** Builds a problem located at `keyPath` in `source`. */
export function problemAt(
  source: Pick<YamlSource, 'document' | 'lineCounter' | 'file'>,
  keyPath: readonly PropertyKey[],
  message: string,
  options: { severity?: Problem['severity']; atKey?: boolean } = {},
): Problem {
  const { line, col } = locate(source, keyPath, options);
  return { severity: options.severity ?? 'error', file: source.file, line, col, path: formatPath(keyPath), message };
}
