/**
 * The "why" of a routing decision: which rules were evaluated and what they read, which route was chosen
 * and how, which targets each filter removed and why. Built for every request (it is small), kept by the
 * request store, and returned by the explain endpoint.
 */

import type { SignalValue } from '../features/signal-types.ts';
import type { SummarizeAction } from './fitting/summarize.ts';
import type { TrimAction } from './fitting/trim.ts';
import type { LearnedDecision } from './learned-choice.ts';

/** How the route was chosen, in the order the router tries. */
export type RouteSelection =
  /** A pinned route's rule held: it serves whatever the client asked for. */
  | 'pinned'
  /** The client named a route. */
  | 'requested-route'
  /** The client named a model. */
  | 'requested-model'
  /** `auto`: the first route whose rule held. */
  | 'matched'
  /** `auto`: no rule held; the default route. */
  | 'default';

export interface RuleEvaluation {
  readonly route: string;
  readonly rule: string;
  readonly result: boolean;
  /** The signals the rule read, in order, with the values it saw (missing values are `null`). */
  readonly reads: readonly { readonly signal: string; readonly value: SignalValue | null }[];
}

export type TargetFilter = 'tags' | 'context_window';

export interface FilterRemoval {
  readonly target: string;
  readonly filter: TargetFilter;
  readonly reason: string;
}

export interface RoutingDecision {
  /** What the client asked for (`auto`, a route name or a model id). */
  readonly requested: string;
  readonly route: string;
  readonly selection: RouteSelection;
  readonly rules: readonly RuleEvaluation[];
  /** The route's targets before filtering. */
  readonly candidates: readonly string[];
  readonly removed: readonly FilterRemoval[];
  /** What the executor will try, in order. */
  readonly targets: readonly string[];
  /** `split` routes: the sticky key's value (null: none, a random draw), the draw in [0, 1), the winner. */
  readonly split?: { readonly key: string | null; readonly draw: number; readonly chosen: string };
  /** What was done because no target could hold the request. */
  readonly fitting?: ContextFitting;
  /** `learned` routes: predicted quality and cost per target and the policy's choice. */
  readonly learned?: LearnedDecision;
}

export type ContextFitting =
  | { readonly action: 'reroute'; readonly to: string }
  | {
      readonly action: 'trim';
      /** The prompt budget fitted to: the largest window among the targets, less the requested output. */
      readonly budgetTokens: number;
      readonly promptTokens: number;
      readonly steps: readonly TrimAction[];
    }
  | {
      readonly action: 'summarize';
      /** The model that condensed the history. */
      readonly with: string;
      readonly budgetTokens: number;
      /** Set on a dry run (explain): the summary was not made. */
      readonly pending?: true;
      readonly promptTokens?: number;
      readonly steps?: readonly SummarizeAction[];
    };
