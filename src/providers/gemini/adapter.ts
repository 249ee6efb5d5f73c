/**
 * The adapter for Google's Gemini API (`generateContent` / `streamGenerateContent`,
 * https://ai.google.dev/api/generate-content). The model is part of the URL:
 * `{baseUrl}/models/{model}:generateContent`, and streams add `alt=sse` to get server-sent events.
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import type { GatewayError } from '../../core/errors.ts';
import type { ModelCapabilities } from '../../core/model.ts';
import type { ParameterSupport, ProviderAdapter } from '../contract.ts';
import { withOrigin, type ErrorOrigin } from '../error-origin.ts';
import { createHttpAdapter } from '../http-adapter.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import { blockedPromptError, decodeResponse } from './decode-response.ts';
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
  const query = new URLSearchParams(provider.query).toString();
  const urlsByModel = new Map<string, ModelUrls>();

  function urlsFor(upstreamModel: string): ModelUrls {
    let urls = urlsByModel.get(upstreamModel);
    if (urls === undefined) {
      urls = modelUrls(provider.baseUrl, upstreamModel, query);
      urlsByModel.set(upstreamModel, urls);
    }
    return urls;
  }

  return createHttpAdapter(provider, transport, {
    capabilities: WIRE_CAPABILITIES,
    parameters: PARAMETERS,
    decodeContext: (_request, model) => ({
      provider: provider.name,
      model: model.id,
      upstreamModel: model.upstreamModel,
    }),
    url(model, stream) {
      const urls = urlsFor(model.upstreamModel);
      return stream ? urls.stream : urls.generate;
    },
    encode(request, model, _stream, context) {
      // Content Gemini cannot carry fails here, before the call, as an error of this provider.
      try {
        return JSON.stringify(
          encodeRequest(request, { signReplayedCalls: requiresThoughtSignatures(model.upstreamModel) }),
        );
      } catch (error) {
        throw withOrigin(error, context);
      }
    },
    mapHttpError,
    decodeResponse,
    decodeStream,
    errorInBody,
  });
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

/**
 * A Google error object, or a blocked prompt, in a 2xx body: a proxy (or a simulated blocked prompt)
 * may answer a stream request with one JSON body.
 */
function errorInBody(body: unknown, origin: ErrorOrigin, upstreamStatus: number): GatewayError | undefined {
  const info = readErrorInfo(body);
  if (info !== undefined) return mapStreamError(info, origin);
  const reading = readResponse(body);
  return reading.problem === undefined
    ? blockedPromptError(reading.response, origin, upstreamStatus)
    : undefined;
}
