/**
 * OpenAI's `choices[].logprobs.content` → canonical token log probabilities. Whole responses and stream
 * chunks carry the same array; it is read leniently (compatible servers differ).
 */

import type { TokenLogprob } from '../../core/response.ts';

interface AlternativeJson {
  readonly token?: unknown;
  readonly logprob?: unknown;
  readonly bytes?: unknown;
}

interface TokenLogprobJson extends AlternativeJson {
  readonly top_logprobs?: unknown;
}

function readBytes(bytes: unknown): readonly number[] | null {
  return Array.isArray(bytes) && bytes.every((byte) => typeof byte === 'number') ? bytes : null;
}

/** `logprobs` of one choice → canonical tokens; undefined when there are none or they are malformed. */
export function readLogprobs(logprobs: unknown): TokenLogprob[] | undefined {
  if (typeof logprobs !== 'object' || logprobs === null) return undefined;
  const content = (logprobs as { content?: unknown }).content;
  if (!Array.isArray(content) || content.length === 0) return undefined;
  const tokens: TokenLogprob[] = [];
  for (const entry of content as TokenLogprobJson[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    if (typeof entry.token !== 'string' || typeof entry.logprob !== 'number') return undefined;
    const top: TokenLogprob['top'][number][] = [];
    if (Array.isArray(entry.top_logprobs)) {
      for (const alternative of entry.top_logprobs as AlternativeJson[]) {
        if (typeof alternative.token !== 'string' || typeof alternative.logprob !== 'number') continue;
        top.push({
          token: alternative.token,
          logprob: alternative.logprob,
          bytes: readBytes(alternative.bytes),
        });
      }
    }
    tokens.push({ token: entry.token, logprob: entry.logprob, bytes: readBytes(entry.bytes), top });
  }
  return tokens;
}
