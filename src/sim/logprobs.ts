/**
 * Simulated log probabilities: deterministic per token (a hash of its text), so the same answer always
 * carries the same figures. The sampled token is the most likely; alternatives are other words with
 * lower log probabilities, as a real model's top list looks.
 */

import { hashString } from './random.ts';
import { VALUE_WORDS } from './vocabulary.ts';

export interface SimTokenLogprob {
  readonly token: string;
  readonly logprob: number;
  readonly bytes: readonly number[];
  readonly top: readonly {
    readonly token: string;
    readonly logprob: number;
    readonly bytes: readonly number[];
  }[];
}

const encoder = new TextEncoder();

export function simulateLogprob(token: string, topCount: number): SimTokenLogprob {
  const hash = hashString(token);
  // Between -0.0001 and about -1.5: a confident model's range.
  const logprob = -((hash % 15_000) + 1) / 10_000;
  const top: SimTokenLogprob['top'][number][] = [];
  for (let rank = 0; rank < topCount; rank++) {
    if (rank === 0) {
      top.push({ token, logprob, bytes: [...encoder.encode(token)] });
      continue;
    }
    const alternative = ` ${VALUE_WORDS[(hash + rank * 7919) % VALUE_WORDS.length] ?? 'the'}`;
    const alternativeLogprob = logprob - rank * 1.25 - ((hash >>> rank) % 100) / 100;
    top.push({ token: alternative, logprob: alternativeLogprob, bytes: [...encoder.encode(alternative)] });
  }
  return { token, logprob, bytes: [...encoder.encode(token)], top };
}

/** OpenAI's `logprobs` object for the given tokens. */
export function openAILogprobs(tokens: readonly string[], topCount: number): object {
  const content = tokens.map((token) => {
    const simulated = simulateLogprob(token, topCount);
    return {
      token: simulated.token,
      logprob: simulated.logprob,
      bytes: simulated.bytes,
      top_logprobs: simulated.top,
    };
  });
  return { content, refusal: null };
}

export function openAILogprobsJson(tokens: readonly string[], topCount: number): string {
  return JSON.stringify(openAILogprobs(tokens, topCount));
}
