/**
 * Confidence from token log probabilities: the geometric mean of the answer's token probabilities,
 * exp(mean logprob). Cheap and model-agnostic; low values flag answers the model itself was unsure of.
 */

import type { ChatResponse } from '../../core/response.ts';
import type { CheckResult } from './verdict.ts';

export function answerConfidence(response: ChatResponse): number | undefined {
  const tokens = response.logprobs;
  if (tokens === undefined || tokens.length === 0) return undefined;
  let sum = 0;
  for (const token of tokens) sum += token.logprob;
  return Math.exp(sum / tokens.length);
}

export function checkConfidence(minConfidence: number, response: ChatResponse): CheckResult {
  const confidence = answerConfidence(response);
  if (confidence === undefined)
    return { check: 'confidence', passed: true, reason: 'skipped: the target returned no logprobs' };
  const rounded = Number(confidence.toFixed(4));
  return confidence >= minConfidence
    ? { check: 'confidence', passed: true, reason: `${rounded} >= ${minConfidence}`, score: rounded }
    : { check: 'confidence', passed: false, reason: `${rounded} < ${minConfidence}`, score: rounded };
}
