// Paths that come from parameters (target files, files to read): relative, inside the step directory, never `..`.

import path from 'node:path';
import { z } from 'zod';

/** Why `value` is not a safe relative path, or undefined when it is. */
export function unsafePathReason(value: string): string | undefined {
  if (value.includes('\0')) return 'must not contain NUL';
  if (path.isAbsolute(value)) return `must be relative to the step directory, got ${JSON.stringify(value)}`;
  if (path.normalize(value).split(/[\\/]/).includes('..')) return `must stay inside the step directory (no ".."), got ${JSON.stringify(value)}`;
  return undefined;
}

/** A zod schema for a relative path parameter. */
export function relativePath(description: string) {
  return z
    .string()
    .min(1)
    .superRefine((value, context) => {
      const reason = unsafePathReason(value);
      if (reason !== undefined) context.addIssue({ code: 'custom', message: reason });
    })
    .describe(description);
}
