/**
 * The adapter for OpenAI's Chat Completions wire format, used for `openai` and for every
 * `openai-compatible` server (vLLM, Ollama, llama.cpp, Groq, Together, Azure-style deployments). All
 * differences between them are data in `ResolvedProvider` (base URL, auth header, query, headers);
 * the only behavioural switch is which field caps the output length.
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import type { GatewayError } from '../../core/errors.ts';
import type { ModelCapabilities } from '../../core/model.ts';
import type { ProviderAdapter } from '../contract.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { createHttpAdapter } from '../http-adapter.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import { decodeResponse } from './decode-response.ts';
import { createEmbedder } from './embeddings.ts';
import { decodeStream } from './decode-stream.ts';
import { encodeRequest, type MaxTokensField } from './encode-request.ts';
import { mapHttpError, mapStreamError, readErrorInfo } from './map-error.ts';

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
  const url = chatCompletionsUrl(provider);
  const maxTokensField: MaxTokensField = provider.type === 'openai' ? 'max_completion_tokens' : 'max_tokens';
  const adapter = createHttpAdapter(provider, transport, {
    capabilities: WIRE_CAPABILITIES,
    // OpenAI has no top_k; vLLM, llama.cpp and Ollama's OpenAI endpoints accept it as an extra field.
    parameters: Object.freeze({ topK: provider.type !== 'openai', seed: true, penalties: true }),
    decodeContext: (_request, model) => ({
      provider: provider.name,
      model: model.id,
      upstreamModel: model.upstreamModel,
    }),
    url: () => url,
    encode: (request, model, stream) =>
      JSON.stringify(encodeRequest(request, { upstreamModel: model.upstreamModel, stream, maxTokensField })),
    mapHttpError,
    decodeResponse,
    decodeStream,
    errorInBody,
  });
  return { ...adapter, embed: createEmbedder(provider, transport) };
}

/** `baseUrl/chat/completions` plus the provider's fixed query (Azure's `api-version`). */
export function chatCompletionsUrl(provider: ResolvedProvider): string {
  const query = new URLSearchParams(provider.query).toString();
  return `${provider.baseUrl}/chat/completions${query.length > 0 ? `?${query}` : ''}`;
}

/** An OpenAI-style error object in a 2xx body. */
function errorInBody(body: unknown, origin: ErrorOrigin): GatewayError | undefined {
  const info = readErrorInfo(body);
  return info === undefined ? undefined : mapStreamError(info, origin);
}
