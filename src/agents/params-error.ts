// Turns a zod error on skill parameters into one readable line: "--target-file: is required; --depth: …".

import type { z } from 'zod';
import { issueMessage } from '../config/issue-message.js';

/** One line naming each bad parameter as the flag a person would type. */
export function formatProblemsOfZod(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path[0];
      const flag = typeof key === 'string' ? `--${key.replaceAll('_', '-')}: ` : '';
      return issue.code === 'unrecognized_keys' ? `unknown parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `--${k.replaceAll('_', '-')}`).join(', ')}` : `${flag}${issueMessage(issue)}`;
    })
    .join('; ');
}
