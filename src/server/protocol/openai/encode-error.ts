import type { GatewayError } from '../../../core/errors.ts';
import { failedAttempts, type FailedAttemptBody } from '../failed-attempts.ts';

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    attempts?: FailedAttemptBody[];
  };
}

/** A catalogued error in OpenAI's error JSON; the HTTP status comes from the catalogue. */
export function encodeOpenAIError(error: GatewayError): OpenAIErrorBody {
  return {
    error: {
      message: error.message,
      type: error.spec.openaiType,
      param: error.details.param ?? null,
      code: error.code,
      ...failedAttempts(error),
    },
  };
}
