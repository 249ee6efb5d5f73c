/**
 * The adapter for Anthropic's Messages API (`POST {baseUrl}/messages`). Config supplies the base URL,
 * the `x-api-key` auth and the `anthropic-version` header; this file adds what the format needs beyond
 * OpenAI's: a required `max_tokens`, and JSON mode emulated with a forced tool (see json-mode.ts).
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ModelCapabilities, ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse, StreamPart } from '../../core/response.ts';
import { isJson, narrowCapabilities, staticHeaders, withExtraHeaders } from '../adapter-support.ts';
import {
  PROVIDER_CONTRACT_VERSION,
  type CallContext,
  type ParameterSupport,
  type ProviderAdapter,
} from '../contract.ts';
import { withOrigin } from '../openai/map-error.ts';
import { parseEventStreamBatches } from '../transport/event-stream.ts';
import type { HttpTransport, InboundResponse } from '../transport/http-transport.ts';
import { decodeResponse, type DecodeContext } from './decode-response.ts';
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
  // Everything that does not depend on the call is computed once here, off the request path.
  const url = messagesUrl(provider);
  const baseHeaders = staticHeaders(provider);
  const capabilitiesByModel = new WeakMap<ResolvedModel, ModelCapabilities>();

  function decodeContext(request: ChatRequest, model: ResolvedModel): DecodeContext {
    return {
      provider: provider.name,
      model: model.id,
      upstreamModel: model.upstreamModel,
      jsonMode: isJsonMode(request),
    };
  }

  /** Sends the request; resolves with a 2xx response, rejects with the mapped upstream error otherwise. */
  async function send(
    request: ChatRequest,
    model: ResolvedModel,
    context: CallContext,
    decode: DecodeContext,
    stream: boolean,
  ): Promise<InboundResponse> {
    const body = JSON.stringify(
      encodeRequest(request, {
        upstreamModel: model.upstreamModel,
        stream,
        // Anthropic requires `max_tokens`. Without a client cap, the provider's configured default
        // applies, else the model's own maximum: the answer is then never cut shorter than the model
        // allows, as with an OpenAI upstream where no cap means none (cost is bounded by the model).
        defaultMaxTokens: provider.defaultMaxTokens ?? model.maxOutputTokens,
      }),
    );
    const response = await transport
      .send({
        url,
        method: 'POST',
        headers:
          context.extraHeaders === undefined
            ? baseHeaders
            : withExtraHeaders(baseHeaders, context.extraHeaders),
        body,
        signal: context.signal,
        timeouts: provider.timeouts,
        maxConnections: provider.maxConnections,
      })
      .catch((error: unknown) => {
        throw withOrigin(error, decode);
      });
    if (response.status >= 200 && response.status < 300) return response;
    // The error body explains the status; if it cannot be read, the status alone still classifies it.
    const bodyText = await response.text().catch(() => '');
    throw mapHttpError(response.status, response.headers, bodyText, decode);
  }

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: provider.type,

    parameters: PARAMETERS,

    capabilities(model) {
      let capabilities = capabilitiesByModel.get(model);
      if (capabilities === undefined) {
        capabilities = narrowCapabilities(model.capabilities, WIRE_CAPABILITIES);
        capabilitiesByModel.set(model, capabilities);
      }
      return capabilities;
    },

    async generate(request, model, context): Promise<ChatResponse> {
      const decode = decodeContext(request, model);
      const response = await send(request, model, context, decode, false);
      const json = await response.json().catch((error: unknown) => {
        throw withOrigin(error, decode);
      });
      return decodeResponse(json, decode, response.status);
    },

    async stream(request, model, context): Promise<AsyncIterable<StreamPart>> {
      const decode = decodeContext(request, model);
      const response = await send(request, model, context, decode, true);
      if (isJson(response.headers)) {
        // A proxy in front of the API may answer a stream request with a 200 JSON error.
        throw await jsonInsteadOfStream(response, decode);
      }
      return decodeStream(parseEventStreamBatches(response.body), decode);
    },

    ready: () => true,
    // The transport is shared by every adapter and closed by whoever created it.
    close: async () => {},
  };
}

/** `baseUrl/messages` plus the provider's fixed query, if any. */
export function messagesUrl(provider: ResolvedProvider): string {
  const query = new URLSearchParams(provider.query).toString();
  return `${provider.baseUrl}/messages${query.length > 0 ? `?${query}` : ''}`;
}

async function jsonInsteadOfStream(response: InboundResponse, context: DecodeContext): Promise<GatewayError> {
  const body = await response.json().catch((error: unknown) => withOrigin(error, context));
  if (body instanceof GatewayError) return body;
  const info = readErrorInfo(body);
  if (info !== undefined) return mapStreamError(info, context);
  return new GatewayError(
    'upstream_bad_response',
    'The upstream answered a stream request with a JSON body',
    { upstreamStatus: response.status, provider: context.provider, model: context.model },
  );
}
