import type { GatewayError } from '../../../core/errors.ts';
import { failedAttempts, type FailedAttemptBody } from '../failed-attempts.ts';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string; attempts?: FailedAttemptBody[] };
}

/** A catalogued error in Anthropic's error JSON; the HTTP status comes from the catalogue. */
export function encodeAnthropicError(error: GatewayError): AnthropicErrorBody {
  const param = error.details.param;
  // Anthropic's errors carry no `param` field; the field goes into the message instead.
  const message =
    param === undefined || error.message.includes(param) ? error.message : `${param}: ${error.message}`;
  return { type: 'error', error: { type: error.spec.anthropicType, message, ...failedAttempts(error) } };
}
