/**
 * A client-facing API (OpenAI chat completions, Anthropic messages): how its requests decode into the
 * canonical request and how canonical answers, streams and errors encode back. The route handler is the
 * same for every protocol; only this object differs.
 */

import type { GatewayError } from '../../core/errors.ts';
import type { ChatRequest, ClientApi } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { RequestFeature } from '../../executor/request-fit.ts';
import type { StreamEncoder } from './stream-encoder.ts';

export interface ClientProtocol {
  readonly name: ClientApi;
  readonly decodeRequest: (body: unknown) => ChatRequest;
  readonly encodeResponse: (response: ChatResponse) => unknown;
  readonly createStreamEncoder: (request: ChatRequest) => StreamEncoder;
  readonly encodeError: (error: GatewayError) => unknown;
  /** The protocol's own name for a request feature, so an unsupported_parameter error names the field. */
  readonly fieldName: (feature: RequestFeature) => string;
}
