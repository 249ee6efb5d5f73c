/**
 * The simulator's `POST /v1/embeddings`: deterministic vectors that behave like embeddings for routing
 * tests — texts sharing words and word pieces point the same way. Each text's lower-cased words and their
 * character trigrams are hashed into `EMBEDDING_DIMENSIONS` signed buckets and the vector is L2-normalised,
 * so cosine similarity is roughly lexical overlap. Not a language model: synonyms are not close.
 */

import { fnv1a32 } from '../core/hash.ts';

export const EMBEDDING_DIMENSIONS = 256;

export function simEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const add = (piece: string, weight: number): void => {
    const hash = fnv1a32(piece);
    const bucket = hash % EMBEDDING_DIMENSIONS;
    vector[bucket] = (vector[bucket] ?? 0) + ((hash & 0x8000_0000) === 0 ? weight : -weight);
  };
  for (const word of words) {
    add(word, 1);
    const marked = `<${word}>`;
    for (let start = 0; start + 3 <= marked.length; start++) add(marked.slice(start, start + 3), 0.5);
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => Number((value / norm).toFixed(6)));
}

export type EmbeddingsAnswer =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly message: string; readonly param: string };

/** The response body for an embeddings request body, or what is wrong with it. */
export function answerEmbeddings(bodyText: string): EmbeddingsAnswer {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { ok: false, message: 'We could not parse the JSON body of your request.', param: 'body' };
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const model = fields.model;
  const input = typeof fields.input === 'string' ? [fields.input] : fields.input;
  if (typeof model !== 'string') return { ok: false, message: "'model' is required", param: 'model' };
  if (!Array.isArray(input) || input.length === 0 || !input.every((item) => typeof item === 'string'))
    return { ok: false, message: "'input' must be a string or a non-empty array of strings", param: 'input' };
  const texts: string[] = input;
  const promptTokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
  return {
    ok: true,
    body: JSON.stringify({
      object: 'list',
      model,
      data: texts.map((text, index) => ({ object: 'embedding', index, embedding: simEmbedding(text) })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    }),
  };
}
