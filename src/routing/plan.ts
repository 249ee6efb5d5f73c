/**
 * Turns a request into an execution plan, and records why. In order:
 * 1. a pinned route whose rule holds serves, whatever the client asked for (compliance);
 * 2. a route name → that route; a model id → that model alone;
 * 3. `auto` → the first route (in config order) whose `match` rule holds, else the default route;
 * then the chosen route's targets pass the hard filters (filters.ts). Rules were compiled when the config
 * loaded; here they are only evaluated, reading signals lazily.
 */

import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type {
  CascadeSettings,
  CommitSettings,
  HedgeSettings,
  ResolvedConfig,
  ResolvedRoute,
  VerifySettings,
} from '../config/resolved.ts';
import { RESILIENCE_DEFAULTS } from '../config/defaults.ts';
import type { RetrySettings } from '../executor/retry-policy.ts';
import type { SignalValues } from '../features/signal-types.ts';
import { fnv1a32 } from '../core/hash.ts';
import type { RouteSelection, RoutingDecision, RuleEvaluation } from './decision.ts';
import { filterTargets, type FilterResult } from './filters.ts';
import { chooseLearned } from './learned-choice.ts';
import { SummaryCache } from './fitting/summary-cache.ts';
import { fitOverflow, type FittedRequest, type OverflowServices, type SummarizeCall } from './overflow.ts';

export const AUTO_MODEL = 'auto';

export interface ExecutionPlan {
  /** The route that decided, or `model:<id>` when the client named a model directly. */
  readonly route: string;
  readonly strategy: 'single' | 'fallback' | 'cascade';
  readonly targets: readonly ResolvedModel[];
  /** What the executor does with a request feature a target cannot carry. */
  readonly onUnsupported: 'strict' | 'lenient';
  /** When a failed attempt is retried on the same target (executor/retry-policy.ts). */
  readonly retry: RetrySettings;
  /** The route's end-to-end deadline (a client header may override it). */
  readonly deadlineMs: number;
  /** Streams: the time a target has to send its first token before the next is tried. */
  readonly firstTokenMs: number | undefined;
  /** Streams: when output reaches the client, and whether a cut continues elsewhere. */
  readonly commit: CommitSettings;
  /** Start the next target while the first is still silent. */
  readonly hedge: HedgeSettings | undefined;
  /** Store the prompt and completion in the request log. */
  readonly logBodies: boolean;
  /** Cascade verifiers and the verification pass, when the route has them. */
  readonly verification: VerificationPlan | undefined;
  readonly decision: RoutingDecision;
  /** The request to send: the client's, or the trimmed one when the route fitted it to a window. */
  readonly request: ChatRequest;
  /**
   * Present when fitting the request needs a model call first (`context_overflow: summarize`): resolves
   * with the plan to execute. This plan is then only the dry-run estimate that `explain` shows.
   */
  readonly complete?: () => Promise<ExecutionPlan>;
}

export interface VerificationPlan {
  readonly cascade: CascadeSettings | undefined;
  readonly verify: VerifySettings | undefined;
  /** The verifier and escalation models the settings name; one missing is inactive (no API key). */
  readonly models: ReadonlyMap<string, ResolvedModel>;
}

export interface Planner {
  plan(request: ChatRequest, signals: SignalValues): ExecutionPlan;
}

/** A route as the planner holds it: its resolved settings and its targets' model objects. */
interface PlannedRoute {
  readonly route: ResolvedRoute;
  readonly targets: readonly ResolvedModel[];
  readonly verification: VerificationPlan | undefined;
}

/** What planning needs beyond the config: the model call and cache behind `context_overflow: summarize`. */
export interface PlannerServices {
  readonly summarize?: SummarizeCall;
}

/** A model named directly streams as the defaults say. */
export const DIRECT_COMMIT: CommitSettings = {
  mode: RESILIENCE_DEFAULTS.commit,
  bufferChars: RESILIENCE_DEFAULTS.commitBufferChars,
  resume: RESILIENCE_DEFAULTS.resume,
};

/** Conversations whose history summaries are kept, for retries and later turns to reuse. */
const SUMMARY_CONVERSATIONS_KEPT = 1_000;

export function createPlanner(config: ResolvedConfig, services: PlannerServices = {}): Planner {
  const overflowServices: OverflowServices = {
    summarize: services.summarize,
    summaries: new SummaryCache(SUMMARY_CONVERSATIONS_KEPT),
  };
  const routes = new Map<string, PlannedRoute>();
  for (const route of config.routes.values()) {
    const targets = route.targets.map((id) => config.models.get(id)).filter((model) => model !== undefined);
    routes.set(route.name, { route, targets, verification: verificationPlan(route, config) });
  }
  const all = [...routes.values()];
  const pinned = all.filter((planned) => planned.route.pinned && planned.route.match !== undefined);
  const matched = all.filter((planned) => !planned.route.pinned && planned.route.match !== undefined);
  const defaultRoute = routes.get(config.defaultRoute);
  if (defaultRoute === undefined)
    throw new GatewayError('internal_error', `default route '${config.defaultRoute}' is not configured`);
  // A model named directly is a one-target route of its own, built once.
  const modelRoutes = new Map<string, PlannedRoute>();
  for (const model of config.models.values()) {
    modelRoutes.set(model.id, {
      route: {
        name: `model:${model.id}`,
        strategy: 'single',
        targets: [model.id],
        onUnsupported: config.onUnsupported,
        match: undefined,
        pinned: false,
        requireTags: [],
        weights: undefined,
        sticky: 'conversation_id',
        contextOverflow: 'reject',
        rerouteTo: undefined,
        summarizeWith: undefined,
        retry: config.retry,
        deadlineMs: config.deadlineMs,
        firstTokenMs: undefined,
        commit: DIRECT_COMMIT,
        hedge: undefined,
        logBodies: config.requestLog.bodies,
        cascade: undefined,
        verify: undefined,
        learned: undefined,
      },
      targets: [model],
      verification: undefined,
    });
  }

  return {
    plan(request, signals) {
      const rules: RuleEvaluation[] = [];
      const firstHolding = (candidates: readonly PlannedRoute[]): PlannedRoute | undefined => {
        for (const planned of candidates) {
          const match = planned.route.match;
          if (match === undefined) continue;
          const { result, reads } = match.evaluateTraced(signals);
          rules.push({
            route: planned.route.name,
            rule: match.source,
            result,
            reads: reads.map((read) => ({ signal: read.name, value: read.value ?? null })),
          });
          if (result) return planned;
        }
        return undefined;
      };

      let chosen: PlannedRoute | undefined = firstHolding(pinned);
      let selection: RouteSelection = 'pinned';
      if (chosen === undefined) {
        if (request.model === AUTO_MODEL) {
          chosen = firstHolding(matched);
          selection = chosen === undefined ? 'default' : 'matched';
          chosen ??= defaultRoute;
        } else {
          chosen = routes.get(request.model);
          selection = 'requested-route';
          if (chosen === undefined) {
            chosen = modelRoutes.get(request.model);
            selection = 'requested-model';
          }
        }
      }
      if (chosen === undefined) {
        throw new GatewayError(
          'model_not_found',
          `The model '${request.model}' does not exist. GET /v1/models lists the models and routes this gateway serves.`,
          { param: 'model' },
        );
      }

      const { route } = chosen;
      // A tenant's own compliance tags apply on top of the route's, whatever route serves it.
      const tenantTags = tenantTagsOf(config, signals);
      const requireTags =
        tenantTags === undefined ? route.requireTags : [...new Set([...route.requireTags, ...tenantTags])];
      const base = { route, selection, rules, candidates: chosen.targets, verification: chosen.verification };
      let fitted: FittedRequest | undefined;
      let filtered: FilterResult;
      try {
        filtered = filterTargets(chosen.targets, { request, signals, requireTags });
      } catch (error) {
        if (!(error instanceof GatewayError) || error.code !== 'context_length_exceeded') throw error;
        fitted = fitOverflow({
          route,
          requireTags,
          candidates: chosen.targets,
          request,
          signals,
          config,
          overflow: error,
          services: overflowServices,
        });
        filtered = fitted.filtered;
      }
      const plan = finishPlan(base, request, signals, filtered, fitted);
      const complete = fitted?.complete;
      if (complete === undefined) return plan;
      return {
        ...plan,
        complete: async () => {
          const done = await complete();
          return finishPlan(base, request, signals, done.filtered, done);
        },
      };
    },
  };
}

interface PlanBase {
  readonly route: ResolvedRoute;
  readonly verification: VerificationPlan | undefined;
  readonly selection: RouteSelection;
  readonly rules: readonly RuleEvaluation[];
  readonly candidates: readonly ResolvedModel[];
}

/** The plan for what survived the filters (and any fitting): split draw, decision record. */
function finishPlan(
  { route, selection, rules, candidates, verification }: PlanBase,
  request: ChatRequest,
  signals: SignalValues,
  filtered: FilterResult,
  fitted: FittedRequest | undefined,
): ExecutionPlan {
  const fitting = fitted?.fitting;
  const sent = fitted?.request ?? request;
  let targets = filtered.targets;
  let split: RoutingDecision['split'];
  if (route.strategy === 'split' && targets.length > 1) {
    const drawn = drawSplit(route, targets, signals);
    targets = drawn.targets;
    split = drawn.record;
  }
  let learned: RoutingDecision['learned'];
  if (route.learned !== undefined && targets.length > 1) {
    const chosen = chooseLearned(route.learned, targets, sent, signals);
    targets = chosen.targets;
    learned = chosen.record;
  }
  return {
    route: route.name,
    strategy: route.strategy === 'single' || route.strategy === 'cascade' ? route.strategy : 'fallback',
    targets,
    onUnsupported: route.onUnsupported,
    retry: route.retry,
    deadlineMs: route.deadlineMs,
    firstTokenMs: route.firstTokenMs,
    commit: route.commit,
    hedge: route.hedge,
    logBodies: route.logBodies,
    verification,
    decision: {
      requested: request.model,
      route: route.name,
      selection,
      rules,
      candidates: candidates.map((target) => target.id),
      removed: filtered.removed,
      targets: targets.map((target) => target.id),
      ...(split === undefined ? {} : { split }),
      ...(learned === undefined ? {} : { learned }),
      ...(fitting === undefined ? {} : { fitting }),
    },
    request: sent,
  };
}

/**
 * A weighted draw among the remaining targets; the winner goes first and the rest follow as fallbacks.
 * With a sticky key the draw is a hash of its value, so every request of one conversation (or user, …)
 * lands on the same target while the weights hold across keys.
 */
function drawSplit(
  route: ResolvedRoute,
  targets: readonly ResolvedModel[],
  signals: SignalValues,
): { targets: ResolvedModel[]; record: NonNullable<RoutingDecision['split']> } {
  const weightOf = (target: ResolvedModel): number => route.weights?.[route.targets.indexOf(target.id)] ?? 0;
  const total = targets.reduce((sum, target) => sum + weightOf(target), 0);
  const keyValue = signals.get(route.sticky);
  const key = typeof keyValue === 'string' ? keyValue : null;
  const draw = key === null ? Math.random() : fnv1a32(`${route.name}\u0000${key}`) / 2 ** 32;
  let winner = targets[0]!;
  if (total > 0) {
    let threshold = draw * total;
    for (const target of targets) {
      threshold -= weightOf(target);
      if (threshold < 0) {
        winner = target;
        break;
      }
    }
  }
  return {
    targets: [winner, ...targets.filter((target) => target !== winner)],
    record: { key, draw, chosen: winner.id },
  };
}

function verificationPlan(route: ResolvedRoute, config: ResolvedConfig): VerificationPlan | undefined {
  const { cascade, verify } = route;
  if (cascade === undefined && verify === undefined) return undefined;
  const models = new Map<string, ResolvedModel>();
  for (const id of [cascade?.verifier?.model, verify?.verifier.model, verify?.escalateTo]) {
    const model = id === undefined ? undefined : config.models.get(id);
    if (model !== undefined) models.set(model.id, model);
  }
  return { cascade, verify, models };
}

/** The tags the request's tenant requires, when tenants are configured and the request names one. */
function tenantTagsOf(config: ResolvedConfig, signals: SignalValues): readonly string[] | undefined {
  if (config.tenantTags.size === 0) return undefined;
  const tenant = signals.get('tenant');
  return typeof tenant === 'string' ? config.tenantTags.get(tenant) : undefined;
}
