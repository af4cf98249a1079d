// Where a resolved configuration value came from, and how `config show` and problems name it.

import type { ConfigFileResult } from './config-file.js';
import { locate } from './yaml-source.js';

/** Where a resolved value came from. */
export type SettingSource =
  | { kind: 'default' }
  | { kind: 'flag'; flag: string }
  | { kind: 'file'; file: string; line: number; col: number }
  | { kind: 'workflow'; file: string; line: number; col: number }
  | { kind: 'env'; variable: string }
  | { kind: 'derived'; from: string };

/** "file:line:col", "flag --auto" or "default". */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'flag':
      return `flag ${source.flag}`;
    case 'file':
    case 'workflow':
      return `${source.file}:${source.line}:${source.col}`;
    case 'env':
      return `environment ${source.variable}`;
    case 'derived':
      return source.from;
  }
}

/** The place of `keyPath` in a loaded file (the default when the file is absent). */
export function fileSource(file: ConfigFileResult<unknown>, keyPath: readonly string[]): SettingSource {
  if (file.source === undefined) return { kind: 'default' };
  const { line, col } = locate(file.source, keyPath);
  return { kind: 'file', file: file.file, line, col };
}
