/**
 * A route's answer to "no target can hold this request" (`context_overflow`): reject it, reroute it to a
 * long-context model, trim the oldest history, or summarise it with a cheap model. The first three are
 * decided while planning; `summarize` needs a model call, so it returns a continuation the server awaits
 * before executing (and `explain`, a dry run, does not).
 */

import type { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest, Message } from '../core/request.ts';
import type { ResolvedConfig, ResolvedRoute } from '../config/resolved.ts';
import type { SignalValues } from '../features/signal-types.ts';
import type { ContextFitting } from './decision.ts';
import { filterTargets, missingTags, type FilterResult } from './filters.ts';
import { summarizeToFit, summaryPrompt } from './fitting/summarize.ts';
import type { SummaryCache } from './fitting/summary-cache.ts';
import { trimToFit } from './fitting/trim.ts';

/** Asks `model` to condense `messages` (built by `summaryPrompt`) in at most `maxTokens`. */
export type SummarizeCall = (
  model: ResolvedModel,
  messages: readonly Message[],
  maxTokens: number,
) => Promise<string>;

export interface OverflowServices {
  readonly summarize: SummarizeCall | undefined;
  readonly summaries: SummaryCache;
}

export interface FittedRequest {
  readonly filtered: FilterResult;
  readonly fitting: ContextFitting;
  readonly request: ChatRequest;
  /** `summarize` only: completes the fitting with a model call; the plan above is its dry-run estimate. */
  readonly complete?: () => Promise<FittedRequest>;
}

export interface OverflowInput {
  readonly route: ResolvedRoute;
  readonly requireTags: readonly string[];
  readonly candidates: readonly ResolvedModel[];
  readonly request: ChatRequest;
  readonly signals: SignalValues;
  readonly config: ResolvedConfig;
  readonly overflow: GatewayError;
  readonly services: OverflowServices;
}

export function fitOverflow(input: OverflowInput): FittedRequest {
  const { route, requireTags, request, signals, config, overflow } = input;
  switch (route.contextOverflow) {
    case 'reject':
      throw overflow;
    case 'reroute': {
      const target = config.models.get(route.rerouteTo ?? '');
      if (target === undefined) throw overflow;
      // The long-context model must hold it too; if not, its own removal reason is the error.
      const filtered = filterTargets([target], { request, signals, requireTags });
      return { filtered, fitting: { action: 'reroute', to: target.id }, request };
    }
    case 'trim': {
      const { budgetTokens, family } = fittingTarget(input);
      const trimmed = trimToFit(request, { budgetTokens, family });
      if (!trimmed.fits) throw overflow;
      return {
        filtered: refilter(input, trimmed.request, trimmed.promptTokens),
        fitting: { action: 'trim', budgetTokens, promptTokens: trimmed.promptTokens, steps: trimmed.actions },
        request: trimmed.request,
      };
    }
    case 'summarize': {
      const summarizer = config.models.get(route.summarizeWith ?? '');
      const call = input.services.summarize;
      if (summarizer === undefined || call === undefined) throw overflow;
      const { largest, budgetTokens, family } = fittingTarget(input);
      const conversation = signals.get('conversation_id');
      const complete = async (): Promise<FittedRequest> => {
        const result = await summarizeToFit(request, {
          budgetTokens,
          family,
          conversationId: typeof conversation === 'string' ? conversation : undefined,
          cache: input.services.summaries,
          summarize: (messages, previousSummary, maxTokens) =>
            call(summarizer, summaryPrompt(messages, previousSummary, maxTokens), maxTokens),
        });
        if (!result.fits) throw overflow;
        return {
          filtered: refilter(input, result.request, result.promptTokens),
          fitting: {
            action: 'summarize',
            with: summarizer.id,
            budgetTokens,
            promptTokens: result.promptTokens,
            steps: result.actions,
          },
          request: result.request,
        };
      };
      // Until the summary exists, the plan names the largest target and says what will happen.
      return {
        filtered: { targets: [largest], removed: [] },
        fitting: { action: 'summarize', with: summarizer.id, budgetTokens, pending: true },
        request,
        complete,
      };
    }
  }
}

/** The largest target carrying the required tags, and the prompt budget its window leaves. */
function fittingTarget({ candidates, requireTags, request, overflow }: OverflowInput) {
  let largest: ResolvedModel | undefined;
  for (const target of candidates) {
    if (missingTags(target, requireTags).length > 0) continue;
    if (largest === undefined || target.contextWindow > largest.contextWindow) largest = target;
  }
  if (largest === undefined) throw overflow;
  return {
    largest,
    budgetTokens: largest.contextWindow - (request.maxOutputTokens ?? 0),
    family: largest.tokenizer === 'estimate' ? ('o200k' as const) : largest.tokenizer,
  };
}

/** The fitted prompt's own count decides the window filter now, not the original's signal. */
function refilter(input: OverflowInput, request: ChatRequest, promptTokens: number): FilterResult {
  return filterTargets(input.candidates, {
    request,
    signals: { get: (name) => (name === 'prompt_tokens' ? promptTokens : input.signals.get(name)) },
    requireTags: input.requireTags,
  });
}
