import type { GatewayError } from '../../../core/errors.ts';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** A catalogued error in OpenAI's error JSON; the HTTP status comes from the catalogue. */
export function encodeOpenAIError(error: GatewayError): OpenAIErrorBody {
  return {
    error: {
      message: error.message,
      type: error.spec.openaiType,
      param: error.details.param ?? null,
      code: error.code,
    },
  };
}
