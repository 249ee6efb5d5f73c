import type { z } from 'zod';
import { GatewayError } from '../../core/errors.ts';

/** `messages[2].content` from zod's `['messages', 2, 'content']`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** The first validation issue as an `invalid_request` error naming the field (OpenAI's `param`). */
export function validationError(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  if (issue === undefined) return new GatewayError('invalid_request', 'Invalid request body.');
  const param = formatIssuePath(issue.path);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  const where = param === '' ? 'request body' : `'${param}'`;
  return new GatewayError('invalid_request', `Invalid value for ${where}: ${issue.message}${more}`, {
    ...(param === '' ? {} : { param }),
  });
}
