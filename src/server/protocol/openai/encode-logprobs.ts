import type { TokenLogprob } from '../../../core/response.ts';

/** Canonical tokens → OpenAI's `logprobs` object of a choice. */
export function writeLogprobs(tokens: readonly TokenLogprob[]): {
  content: { token: string; logprob: number; bytes: readonly number[] | null; top_logprobs: unknown[] }[];
  refusal: null;
} {
  return {
    content: tokens.map((token) => ({
      token: token.token,
      logprob: token.logprob,
      bytes: token.bytes,
      top_logprobs: token.top.map((alternative) => ({
        token: alternative.token,
        logprob: alternative.logprob,
        bytes: alternative.bytes,
      })),
    })),
    refusal: null,
  };
}
