/**
 * The adapter for Anthropic's Messages API (`POST {baseUrl}/messages`). Config supplies the base URL,
 * the `x-api-key` auth and the `anthropic-version` header; this file adds what the format needs beyond
 * OpenAI's: a required `max_tokens`, and JSON mode emulated with a forced tool (see json-mode.ts).
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import type { GatewayError } from '../../core/errors.ts';
import type { ModelCapabilities } from '../../core/model.ts';
import type { ParameterSupport, ProviderAdapter } from '../contract.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { createHttpAdapter } from '../http-adapter.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import { decodeResponse } from './decode-response.ts';
import { decodeStream } from './decode-stream.ts';
import { encodeRequest } from './encode-request.ts';
import { isJsonMode } from './json-mode.ts';
import { mapHttpError, mapStreamError, readErrorInfo } from './map-error.ts';

/** What the Messages format can carry; config may narrow it per model, never widen it. */
const WIRE_CAPABILITIES: ModelCapabilities = Object.freeze({
  tools: true,
  // Anthropic calls tools in parallel by default and takes `disable_parallel_tool_use` to stop it.
  parallelToolCalls: true,
  // Emulated with a forced tool call.
  jsonObject: true,
  jsonSchema: true,
  vision: true,
  logprobs: false,
  // A trailing assistant message is continued by Claude, not answered.
  assistantPrefill: true,
});

const PARAMETERS: ParameterSupport = Object.freeze({ topK: true, seed: false, penalties: false });

export function createAnthropicAdapter(
  provider: ResolvedProvider,
  transport: HttpTransport,
): ProviderAdapter {
  const url = messagesUrl(provider);
  return createHttpAdapter(provider, transport, {
    capabilities: WIRE_CAPABILITIES,
    parameters: PARAMETERS,
    decodeContext: (request, model) => ({
      provider: provider.name,
      model: model.id,
      upstreamModel: model.upstreamModel,
      jsonMode: isJsonMode(request),
    }),
    url: () => url,
    encode: (request, model, stream) =>
      JSON.stringify(
        encodeRequest(request, {
          upstreamModel: model.upstreamModel,
          stream,
          // Anthropic requires `max_tokens`. Without a client cap, the provider's configured default
          // applies, else the model's own maximum: the answer is then never cut shorter than the model
          // allows, as with an OpenAI upstream where no cap means none (cost is bounded by the model).
          defaultMaxTokens: provider.defaultMaxTokens ?? model.maxOutputTokens,
        }),
      ),
    mapHttpError,
    decodeResponse,
    decodeStream,
    errorInBody,
  });
}

/** `baseUrl/messages` plus the provider's fixed query, if any. */
export function messagesUrl(provider: ResolvedProvider): string {
  const query = new URLSearchParams(provider.query).toString();
  return `${provider.baseUrl}/messages${query.length > 0 ? `?${query}` : ''}`;
}

/** An Anthropic error object in a 2xx body. */
function errorInBody(body: unknown, origin: ErrorOrigin): GatewayError | undefined {
  const info = readErrorInfo(body);
  return info === undefined ? undefined : mapStreamError(info, origin);
}
