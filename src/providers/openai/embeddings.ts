/**
 * `POST {base}/embeddings` in OpenAI's format, which vLLM, Ollama, llama.cpp server, Together and the
 * simulator speak too. Used by the embedding intent classifier; the chat path never calls it.
 */

import { z } from 'zod';
import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import { scrubCredentials } from '../../core/secrets.ts';
import { staticHeaders, withExtraHeaders } from '../adapter-support.ts';
import type { ProviderAdapter } from '../contract.ts';
import { withOrigin } from '../error-origin.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import { mapHttpError } from './map-error.ts';

// Lenient: only the fields used, so a new upstream field never breaks the call.
const embeddingsBody = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  usage: z.looseObject({ prompt_tokens: z.number().optional() }).optional(),
});

export function createEmbedder(
  provider: ResolvedProvider,
  transport: HttpTransport,
): NonNullable<ProviderAdapter['embed']> {
  const headers = staticHeaders(provider);
  const secrets = provider.apiKey === undefined ? [] : [provider.apiKey];
  const query = new URLSearchParams(provider.query).toString();
  const url = `${provider.baseUrl}/embeddings${query.length > 0 ? `?${query}` : ''}`;

  return async (texts, model, call) => {
    const origin = { provider: provider.name, model: model.id };
    const response = await transport
      .send({
        url,
        method: 'POST',
        headers: call.extraHeaders === undefined ? headers : withExtraHeaders(headers, call.extraHeaders),
        body: JSON.stringify({ model: model.upstreamModel, input: texts }),
        signal: call.signal,
        timeouts: provider.timeouts,
        maxConnections: provider.maxConnections,
      })
      .catch((error: unknown) => {
        throw withOrigin(error, origin);
      });
    if (response.status < 200 || response.status >= 300) {
      const bodyText = await response.text().catch(() => '');
      throw mapHttpError(response.status, response.headers, scrubCredentials(bodyText, secrets), origin);
    }
    const json = await response.json().catch((error: unknown) => {
      throw withOrigin(error, origin);
    });
    const parsed = embeddingsBody.safeParse(json);
    if (!parsed.success || parsed.data.data.length !== texts.length) {
      throw new GatewayError(
        'upstream_bad_response',
        'The embeddings response does not have one vector per input',
        {
          upstreamStatus: response.status,
          ...origin,
        },
      );
    }
    const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
    for (const item of parsed.data.data) vectors[item.index] = Float32Array.from(item.embedding);
    if (vectors.some((vector) => vector === undefined))
      throw new GatewayError('upstream_bad_response', 'The embeddings response skips an input index', origin);
    return { vectors, inputTokens: parsed.data.usage?.prompt_tokens ?? 0 };
  };
}
