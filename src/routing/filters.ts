/**
 * Hard filters, applied to a route's targets before anything is tried: compliance tags the route
 * requires, and the context window (prompt plus requested output must fit). Every removal is recorded with
 * its reason; if nothing is left, the error names the constraint that emptied the set.
 *
 * Capabilities (tools, JSON schema, images, logprobs, …) are checked per attempt by the executor
 * (executor/request-fit.ts) instead: only the adapter knows what its wire format can carry, the route's
 * `on_unsupported` decides between refusing and dropping, and the error names the field in the client's
 * own protocol. A target refused there shows in the attempts of the request record.
 */

import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { SignalValues } from '../features/signal-types.ts';
import type { TokenizerFamily } from '../core/model.ts';
import { countPromptTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from '../features/tokens.ts';
import type { FilterRemoval, TargetFilter } from './decision.ts';

/** Images are counted at a flat, generous cost when bounding a prompt (a high-detail tile set). */
const IMAGE_TOKEN_BOUND = 1_600;
const MAX_UTF8_BYTES_PER_UNIT = 3;

export interface FilterInput {
  readonly request: ChatRequest;
  readonly signals: SignalValues;
  readonly requireTags: readonly string[];
}

export interface FilterResult {
  readonly targets: readonly ResolvedModel[];
  readonly removed: readonly FilterRemoval[];
}

/**
 * An upper bound on the prompt's tokens that needs no tokenizer and reads no text: every token is at least
 * one UTF-8 byte, and a UTF-16 code unit is at most three. When even this bound fits every window — as it
 * does for all but very long prompts — nobody has to count (and the BPE tables never load).
 */
export function promptTokenBound(request: ChatRequest): number {
  let bound = TOKENS_PER_REPLY;
  for (const message of request.messages) {
    bound += TOKENS_PER_MESSAGE;
    for (const part of message.content) {
      bound += part.type === 'text' ? part.text.length * MAX_UTF8_BYTES_PER_UNIT : IMAGE_TOKEN_BOUND;
    }
    for (const call of message.toolCalls ?? []) {
      bound += (call.arguments.length + call.name.length) * MAX_UTF8_BYTES_PER_UNIT;
    }
  }
  // Tool schemas are small and rarely decide a window; their serialised size bounds them.
  if (request.tools !== undefined && request.tools.length > 0) {
    bound += JSON.stringify(request.tools).length * MAX_UTF8_BYTES_PER_UNIT;
  }
  return bound;
}

/** The required tags a target does not carry (on itself or its provider). */
export function missingTags(target: ResolvedModel, required: readonly string[]): string[] {
  return required.filter((tag) => !target.tags.includes(tag));
}

export function filterTargets(candidates: readonly ResolvedModel[], input: FilterInput): FilterResult {
  const removed: FilterRemoval[] = [];
  const remove = (target: ResolvedModel, filter: TargetFilter, reason: string): false => {
    removed.push({ target: target.id, filter, reason });
    return false;
  };
  let targets = candidates;
  let emptiedBy: TargetFilter | undefined;

  if (input.requireTags.length > 0) {
    targets = targets.filter((target) => {
      const missing = missingTags(target, input.requireTags);
      return missing.length === 0 || remove(target, 'tags', `lacks required tag(s) ${missing.join(', ')}`);
    });
    if (targets.length === 0) emptiedBy = 'tags';
  }

  const output = input.request.maxOutputTokens ?? 0;
  const bound = promptTokenBound(input.request);
  let promptTokens = bound;
  if (emptiedBy === undefined) {
    // Counted only when the cheap bound does not settle a target, once per tokenizer family.
    const counts = new Map<TokenizerFamily, number>();
    const tokensFor = (target: ResolvedModel): number => {
      if (bound + output <= target.contextWindow) return bound;
      const family = countingFamily(target);
      let count = counts.get(family);
      if (count === undefined) {
        const signal = family === 'o200k' ? input.signals.get('prompt_tokens') : undefined;
        count = typeof signal === 'number' ? signal : countPromptTokens(input.request, family);
        counts.set(family, count);
      }
      return count;
    };
    targets = targets.filter((target) => {
      const tokens = tokensFor(target);
      promptTokens = tokens;
      return (
        tokens + output <= target.contextWindow ||
        remove(
          target,
          'context_window',
          `prompt ${tokens} + output ${output} tokens exceed its ${target.contextWindow}-token window`,
        )
      );
    });
    if (targets.length === 0) emptiedBy = 'context_window';
  }

  if (emptiedBy !== undefined) throw emptiedError(emptiedBy, removed, promptTokens, output);
  return { targets, removed };
}

function emptiedError(
  filter: TargetFilter,
  removed: readonly FilterRemoval[],
  promptTokens: number,
  output: number,
): GatewayError {
  const reasons = removed
    .filter((removal) => removal.filter === filter)
    .map((removal) => `${removal.target}: ${removal.reason}`)
    .join('; ');
  switch (filter) {
    case 'context_window':
      return new GatewayError(
        'context_length_exceeded',
        `No target of the route can hold this request (${promptTokens} prompt + ${output} output tokens). ${reasons}.`,
        { param: 'messages' },
      );
    case 'tags':
      return new GatewayError(
        'no_eligible_target',
        `No target of the route carries the tags it requires. ${reasons}.`,
      );
  }
}

/**
 * The family a target's prompt is counted in: its own when known (o200k, cl100k). Models without a
 * published tokenizer (Claude, Gemini, most open models) are counted in o200k: closer to their real counts
 * than a characters-per-token guess, and the upstream still has the last word on the window.
 */
function countingFamily(target: ResolvedModel): TokenizerFamily {
  return target.tokenizer === 'estimate' ? 'o200k' : target.tokenizer;
}
