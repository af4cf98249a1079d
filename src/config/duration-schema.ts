// The zod schema of a duration field: seconds as a number, or "500ms" / "30s" / "5m" / "1h" / "30d", up to 365d.

import { z } from 'zod';
import { durationTooLong, parseDuration } from './duration.js';
import { describeValue } from './issue-message.js';

const EXPECTED = 'expected a duration like "500ms", "5s" or "5m" (a bare number means seconds)';

/** A duration greater than zero, or at least zero with `allowZero`. */
export function durationSchema(options: { allowZero?: boolean } = {}) {
  return z
    .union([z.number(), z.string()], { error: (issue) => `${EXPECTED}, got ${describeValue(issue.input)}` })
    .superRefine((value, context) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        context.addIssue({ code: 'custom', message: `${EXPECTED}, got ${describeValue(value)}` });
      } else if (ms < 0 || (ms === 0 && options.allowZero !== true)) {
        context.addIssue({ code: 'custom', message: `must be ${options.allowZero === true ? 'at least 0' : 'greater than 0'}, got ${describeValue(value)}` });
      } else if (durationTooLong(ms) !== undefined) {
        context.addIssue({ code: 'custom', message: `must be ${durationTooLong(ms)}, got ${describeValue(value)}` });
      }
    });
}
