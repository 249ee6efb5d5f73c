/**
 * The adapter for OpenAI's Chat Completions wire format, used for `openai` and for every
 * `openai-compatible` server (vLLM, Ollama, llama.cpp, Groq, Together, Azure-style deployments). All
 * differences between them are data in `ResolvedProvider` (base URL, auth header, query, headers);
 * the only behavioural switch is which field caps the output length.
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ModelCapabilities, ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse, StreamPart } from '../../core/response.ts';
import {
  PROVIDER_CONTRACT_VERSION,
  type CallContext,
  type ParameterSupport,
  type ProviderAdapter,
} from '../contract.ts';
import { parseEventStreamBatches } from '../transport/event-stream.ts';
import type { HttpTransport, InboundResponse } from '../transport/http-transport.ts';
import { isJson, narrowCapabilities, staticHeaders, withExtraHeaders } from '../adapter-support.ts';
import { decodeResponse, type DecodeContext } from './decode-response.ts';
import { decodeStream } from './decode-stream.ts';
import { encodeRequest, type MaxTokensField } from './encode-request.ts';
import { mapHttpError, mapStreamError, readErrorInfo, withOrigin } from './map-error.ts';

/** What the Chat Completions format can carry; config may narrow it per model, never widen it. */
const WIRE_CAPABILITIES: ModelCapabilities = Object.freeze({
  tools: true,
  parallelToolCalls: true,
  jsonObject: true,
  jsonSchema: true,
  vision: true,
  logprobs: true,
  // A trailing assistant message is not continued by OpenAI; it answers after it.
  assistantPrefill: false,
});

export function createOpenAIAdapter(provider: ResolvedProvider, transport: HttpTransport): ProviderAdapter {
  // Everything that does not depend on the call is computed once here, off the request path.
  const url = chatCompletionsUrl(provider);
  const baseHeaders = staticHeaders(provider);
  const maxTokensField: MaxTokensField = provider.type === 'openai' ? 'max_completion_tokens' : 'max_tokens';
  const capabilitiesByModel = new WeakMap<ResolvedModel, ModelCapabilities>();
  // OpenAI has no top_k; vLLM, llama.cpp and Ollama's OpenAI endpoints accept it as an extra field.
  const parameters: ParameterSupport = Object.freeze({
    topK: provider.type !== 'openai',
    seed: true,
    penalties: true,
  });

  function decodeContext(model: ResolvedModel): DecodeContext {
    return { provider: provider.name, model: model.id, upstreamModel: model.upstreamModel };
  }

  /** Sends the request; resolves with a 2xx response, rejects with the mapped upstream error otherwise. */
  async function send(
    request: ChatRequest,
    model: ResolvedModel,
    context: CallContext,
    stream: boolean,
  ): Promise<InboundResponse> {
    const body = JSON.stringify(
      encodeRequest(request, { upstreamModel: model.upstreamModel, stream, maxTokensField }),
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
        throw withOrigin(error, decodeContext(model));
      });
    if (response.status >= 200 && response.status < 300) return response;
    // The error body explains the status; if it cannot be read, the status alone still classifies it.
    const bodyText = await response.text().catch(() => '');
    throw mapHttpError(response.status, response.headers, bodyText, decodeContext(model));
  }

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: provider.type,

    parameters,

    capabilities(model) {
      let capabilities = capabilitiesByModel.get(model);
      if (capabilities === undefined) {
        capabilities = narrowCapabilities(model.capabilities, WIRE_CAPABILITIES);
        capabilitiesByModel.set(model, capabilities);
      }
      return capabilities;
    },

    async generate(request, model, context): Promise<ChatResponse> {
      const response = await send(request, model, context, false);
      const json = await response.json().catch((error: unknown) => {
        throw withOrigin(error, decodeContext(model));
      });
      return decodeResponse(json, decodeContext(model), response.status);
    },

    async stream(request, model, context): Promise<AsyncIterable<StreamPart>> {
      const response = await send(request, model, context, true);
      if (isJson(response.headers)) {
        // Some proxies answer a stream request with a 200 JSON error instead of an event stream.
        throw await jsonInsteadOfStream(response, decodeContext(model));
      }
      return decodeStream(parseEventStreamBatches(response.body), decodeContext(model));
    },

    ready: () => true,
    // The transport is shared by every adapter and closed by whoever created it.
    close: async () => {},
  };
}

/** `baseUrl/chat/completions` plus the provider's fixed query (Azure's `api-version`). */
export function chatCompletionsUrl(provider: ResolvedProvider): string {
  const query = new URLSearchParams(provider.query).toString();
  return `${provider.baseUrl}/chat/completions${query.length > 0 ? `?${query}` : ''}`;
}

async function jsonInsteadOfStream(response: InboundResponse, context: DecodeContext): Promise<GatewayError> {
  const body = await response.json().catch((error: unknown) => withOrigin(error, context));
  if (body instanceof GatewayError) return body;
  const info = readErrorInfo(body);
  if (info !== undefined) return mapStreamError(info, context);
  return new GatewayError(
    'upstream_bad_response',
    'The upstream answered a stream request with a JSON body',
    {
      upstreamStatus: response.status,
      provider: context.provider,
      model: context.model,
    },
  );
}
