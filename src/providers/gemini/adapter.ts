/**
 * The adapter for Google's Gemini API (`generateContent` / `streamGenerateContent`,
 * https://ai.google.dev/api/generate-content). The model is part of the URL:
 * `{baseUrl}/models/{model}:generateContent`, and streams add `alt=sse` to get server-sent events.
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
import { blockedPromptError, decodeResponse, type DecodeContext } from './decode-response.ts';
import { decodeStream } from './decode-stream.ts';
import { encodeRequest, requiresThoughtSignatures } from './encode-request.ts';
import { mapHttpError, mapStreamError, readErrorInfo } from './map-error.ts';
import { readResponse } from './read-response.ts';

/** What the Gemini format can carry; config may narrow it per model, never widen it. */
const WIRE_CAPABILITIES: ModelCapabilities = Object.freeze({
  tools: true,
  // This flag means "can carry the client's preference": Gemini has no switch to turn parallel calls off.
  parallelToolCalls: false,
  jsonObject: true,
  jsonSchema: true,
  vision: true,
  // Gemini can return log probabilities, but this adapter does not decode them.
  logprobs: false,
  // A trailing model turn is answered after, not continued.
  assistantPrefill: false,
});

const PARAMETERS: ParameterSupport = Object.freeze({ topK: true, seed: true, penalties: true });

interface ModelUrls {
  readonly generate: string;
  readonly stream: string;
}

export function createGeminiAdapter(provider: ResolvedProvider, transport: HttpTransport): ProviderAdapter {
  // Everything that does not depend on the call is computed once here, off the request path.
  const baseHeaders = staticHeaders(provider);
  const query = new URLSearchParams(provider.query).toString();
  const urlsByModel = new Map<string, ModelUrls>();
  const capabilitiesByModel = new WeakMap<ResolvedModel, ModelCapabilities>();

  function urlsFor(upstreamModel: string): ModelUrls {
    let urls = urlsByModel.get(upstreamModel);
    if (urls === undefined) {
      urls = modelUrls(provider.baseUrl, upstreamModel, query);
      urlsByModel.set(upstreamModel, urls);
    }
    return urls;
  }

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
    let body: string;
    try {
      body = JSON.stringify(
        encodeRequest(request, { signReplayedCalls: requiresThoughtSignatures(model.upstreamModel) }),
      );
    } catch (error) {
      throw withOrigin(error, decodeContext(model));
    }
    const urls = urlsFor(model.upstreamModel);
    const response = await transport
      .send({
        url: stream ? urls.stream : urls.generate,
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
      const response = await send(request, model, context, false);
      const json = await response.json().catch((error: unknown) => {
        throw withOrigin(error, decodeContext(model));
      });
      return decodeResponse(json, decodeContext(model), response.status);
    },

    async stream(request, model, context): Promise<AsyncIterable<StreamPart>> {
      const response = await send(request, model, context, true);
      if (isJson(response.headers)) {
        // A proxy (or a simulated blocked prompt) may answer a stream request with one JSON body.
        throw await jsonInsteadOfStream(response, decodeContext(model));
      }
      return decodeStream(parseEventStreamBatches(response.body), decodeContext(model));
    },

    ready: () => true,
    // The transport is shared by every adapter and closed by whoever created it.
    close: async () => {},
  };
}

/**
 * `{baseUrl}/models/{model}:generateContent` and `…:streamGenerateContent?alt=sse`, plus the provider's
 * fixed query. A model given as a resource name (`tunedModels/…`) is used as is.
 */
export function modelUrls(baseUrl: string, upstreamModel: string, query: string): ModelUrls {
  const resource = upstreamModel.includes('/') ? upstreamModel : `models/${upstreamModel}`;
  return {
    generate: `${baseUrl}/${resource}:generateContent${query.length > 0 ? `?${query}` : ''}`,
    stream: `${baseUrl}/${resource}:streamGenerateContent?alt=sse${query.length > 0 ? `&${query}` : ''}`,
  };
}

async function jsonInsteadOfStream(response: InboundResponse, context: DecodeContext): Promise<GatewayError> {
  const body = await response.json().catch((error: unknown) => withOrigin(error, context));
  if (body instanceof GatewayError) return body;
  const info = readErrorInfo(body);
  if (info !== undefined) return mapStreamError(info, context);
  const reading = readResponse(body);
  const blocked =
    reading.problem === undefined
      ? blockedPromptError(reading.response, context, response.status)
      : undefined;
  return (
    blocked ??
    new GatewayError('upstream_bad_response', 'The upstream answered a stream request with a JSON body', {
      upstreamStatus: response.status,
      provider: context.provider,
      model: context.model,
    })
  );
}
