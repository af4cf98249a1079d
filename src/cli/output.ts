// Writing to the terminal: text for people (colour unless NO_COLOR or not a TTY) and JSON for scripts.

import { stripVTControlCharacters } from 'node:util';
import pc from 'picocolors';

/** Prints a value as one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints lines of text on stdout. */
export function printLines(...lines: string[]): void {
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

/** Prints lines of text on stderr. */
export function printErrorLines(...lines: string[]): void {
  process.stderr.write(lines.map((line) => `${line}\n`).join(''));
}

/** Colour helpers; plain text when colour is off. */
export const colour = {
  ok: (text: string) => pc.green(text),
  warn: (text: string) => pc.yellow(text),
  error: (text: string) => pc.red(text),
  dim: (text: string) => pc.dim(text),
  bold: (text: string) => pc.bold(text),
};

/** Left-aligned columns, each as wide as its widest cell. */
export function columns(rows: readonly (readonly string[])[], gap = 2): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell))));
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell) + gap)))
      .join('')
      .trimEnd(),
  );
}

function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}
