/**
 * From a schema-valid document to the ResolvedConfig: cross-references checked (every problem collected),
 * inactive providers and their models dropped, routes narrowed to the models that remain.
 */

import type { ResolvedModel } from '../core/model.ts';
import { defaultRequestLogPath } from './defaults.ts';
import { knownList, type PendingIssue } from './issues.ts';
import type { RetrySettings } from '../executor/retry-policy.ts';
import type { SignalCatalog } from '../features/signal-types.ts';
import { compileRule, RuleError } from '../routing/rules/index.ts';
import type {
  ModelDeployments,
  ResolvedConfig,
  ResolvedProvider,
  ResolvedRoute,
  RouteRule,
  SimModelProfile,
} from './resolved.ts';
import { resolveDeployments } from './resolve-deployments.ts';
import { resolveModel } from './resolve-models.ts';
import { resolveCascade, resolveVerify, verificationIssues } from './resolve-verification.ts';
import { intentRuleIssue, resolveSignals } from './resolve-signals.ts';
import { resolveLearned } from './resolve-learned.ts';
import { resolveProvider } from './resolve-providers.ts';
import type { ConfigDocument } from './schema.ts';

export interface ResolveInput {
  readonly document: ConfigDocument;
  readonly version: string;
  /** Provider name → the required environment variables that are unset (not in `document`). */
  readonly inactiveProviders: ReadonlyMap<string, readonly string[]>;
  /** Model id → inactive provider, for models set aside with their provider (not in `document`). */
  readonly dormantModels: ReadonlyMap<string, string>;
  readonly simTiers: Readonly<Record<string, SimModelProfile>>;
  /** The signals `match` rules may read, for type-checking them. */
  readonly signals: SignalCatalog;
  /** Files the config names (an intent classifier) are relative to this; default the working directory. */
  readonly baseDir?: string;
}

export type ResolveResult =
  | { readonly ok: true; readonly config: ResolvedConfig }
  | { readonly ok: false; readonly issues: readonly PendingIssue[] };

export async function resolveDocument(input: ResolveInput): Promise<ResolveResult> {
  const { document, inactiveProviders } = input;
  // Reference problems do not stop resolution: models are still checked, so one run reports both.
  const issues = checkReferences(input);

  const providers = new Map<string, ResolvedProvider>();
  for (const [name, providerDocument] of Object.entries(document.providers)) {
    if (inactiveProviders.has(name)) continue;
    const baseDir = input.baseDir ?? process.cwd();
    providers.set(name, await resolveProvider(name, providerDocument, input.simTiers, issues, baseDir));
  }

  const models = new Map<string, ResolvedModel>();
  const deployments = new Map<string, ModelDeployments>();
  for (const [id, modelDocument] of Object.entries(document.models)) {
    const provider = providers.get(modelDocument.provider);
    const providerDocument = document.providers[modelDocument.provider];
    if (provider === undefined || providerDocument === undefined) continue; // inactive or unknown provider
    const primary = await resolveModel(id, modelDocument, provider, providerDocument, issues);
    if (primary === undefined) continue;
    const context = { document, providers, inactiveProviders };
    const resolved = await resolveDeployments(primary, modelDocument, context, issues);
    models.set(id, resolved.model);
    deployments.set(id, resolved.deployments);
  }

  // Without `default_route`, the first route without a rule: a rule-guarded route is meant for the
  // requests its rule selects, not for everything else.
  const defaultRoute =
    document.default_route ??
    (document.routes.find((route) => route.match === undefined) ?? document.routes[0])?.name ??
    '';
  const routes = new Map<string, ResolvedRoute>();
  for (const [index, route] of document.routes.entries()) {
    const targets = route.targets.filter((target) => models.has(target));
    if (targets.length > 0) {
      const strategy = route.strategy ?? (route.targets.length === 1 ? 'single' : 'fallback');
      routes.set(route.name, {
        name: route.name,
        strategy,
        targets,
        onUnsupported: route.on_unsupported ?? document.on_unsupported,
        weights: route.weights,
        sticky: route.sticky,
        contextOverflow: route.context_overflow,
        rerouteTo: route.reroute_to,
        summarizeWith: route.summarize_with,
        retry: resolveRetry(route.retry ?? document.retry),
        deadlineMs: route.deadline_ms ?? document.deadline_ms,
        firstTokenMs: route.first_token_ms,
        logBodies: route.log_bodies ?? document.request_log.bodies,
        commit: { mode: route.commit, bufferChars: route.commit_buffer_chars, resume: route.resume },
        hedge:
          route.hedge === undefined
            ? undefined
            : { afterMs: route.hedge.after_ms, quantile: route.hedge.quantile },
        cascade: resolveCascade(route),
        verify: resolveVerify(route),
        learned: await resolveLearned(route, index, input.baseDir ?? process.cwd(), issues),
        match: compileMatch(route.match, index, input, issues),
        pinned: route.pin,
        requireTags: route.require_tags,
      });
    } else if (route.name === defaultRoute && issues.length === 0) {
      issues.push({
        path: ['routes', index, 'targets'],
        message: `the default route "${defaultRoute}" has no active target: ${inactiveReasons(route.targets, input)}`,
      });
    }
  }
  const modelIds = new Set([...Object.keys(document.models), ...input.dormantModels.keys()]);
  const signals = resolveSignals(document, input.baseDir ?? process.cwd(), modelIds, issues);
  if (issues.length > 0) return { ok: false, issues };

  return {
    ok: true,
    config: {
      version: input.version,
      server: {
        host: document.server.host,
        port: document.server.port,
        bodyLimitBytes: document.server.body_limit_bytes,
        requestTimeoutMs: document.server.request_timeout_ms,
        requestRecords: document.server.request_records,
        logLevel: document.server.log_level,
      },
      providers,
      models,
      deployments,
      routes,
      defaultRoute,
      onUnsupported: document.on_unsupported,
      retry: resolveRetry(document.retry),
      deadlineMs: document.deadline_ms,
      circuitBreaker: {
        failureThreshold: document.circuit_breaker.failure_threshold,
        windowMs: document.circuit_breaker.window_ms,
        openMs: document.circuit_breaker.open_ms,
      },
      requestLog: {
        store: document.request_log.store,
        path: document.request_log.path ?? defaultRequestLogPath(),
        url: document.request_log.url,
        retentionHours: document.request_log.retention_hours,
        queueSize: document.request_log.queue_size,
        batchSize: document.request_log.batch_size,
        flushMs: document.request_log.flush_ms,
        bodies: document.request_log.bodies,
        redact: document.request_log.redact,
      },
      metricsEnabled: document.metrics.enabled,
      tracing:
        document.tracing.otlp_endpoint === undefined
          ? undefined
          : {
              otlpEndpoint: document.tracing.otlp_endpoint,
              serviceName: document.tracing.service_name,
              sampleRatio: document.tracing.sample_ratio,
              headers: document.tracing.headers,
            },
      signals,
      tenantTags: new Map(
        Object.entries(document.tenants).map(([name, tenant]) => [name, tenant.require_tags]),
      ),
      inactiveProviders: [...inactiveProviders].map(([name, missingEnv]) => ({ name, missingEnv })),
    },
  };
}

/** A route's `match`, compiled now so a bad rule fails the load with its position, not a request. */
function compileMatch(
  source: string | undefined,
  routeIndex: number,
  input: ResolveInput,
  issues: PendingIssue[],
): RouteRule | undefined {
  if (source === undefined) return undefined;
  try {
    const rule = compileRule(source, input.signals);
    const intentIssue = intentRuleIssue(rule.signals, input.document);
    if (intentIssue !== undefined)
      issues.push({ path: ['routes', routeIndex, 'match'], message: intentIssue });
    return rule;
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    issues.push({
      path: ['routes', routeIndex, 'match'],
      message: `${error.message} (at ${error.line}:${error.column} of the rule)`,
      valueOffset: error.offset,
    });
    return undefined;
  }
}

/** Names that must refer to something defined elsewhere in the document. */
function checkReferences({
  document,
  inactiveProviders,
  dormantModels,
  signals,
}: ResolveInput): PendingIssue[] {
  const issues: PendingIssue[] = [];
  const providerNames = new Set([...Object.keys(document.providers), ...inactiveProviders.keys()]);
  const modelIds = new Set([...Object.keys(document.models), ...dormantModels.keys()]);
  for (const [id, model] of Object.entries(document.models)) {
    if (!providerNames.has(model.provider)) {
      issues.push({
        path: ['models', id, 'provider'],
        message: `unknown provider "${model.provider}" (${knownList(providerNames)})`,
      });
    }
  }
  const firstIndexOfRoute = new Map<string, number>();
  for (const [index, route] of document.routes.entries()) {
    const first = firstIndexOfRoute.get(route.name);
    if (first === undefined) firstIndexOfRoute.set(route.name, index);
    else
      issues.push({
        path: ['routes', index, 'name'],
        message: `duplicate route name "${route.name}" (first at routes[${first}])`,
      });
    for (const [targetIndex, target] of route.targets.entries()) {
      if (!modelIds.has(target)) {
        issues.push({
          path: ['routes', index, 'targets', targetIndex],
          message: `unknown model "${target}" (${knownList(modelIds)})`,
        });
      }
    }
    issues.push(...splitIssues(route, index, signals));
    issues.push(...verificationIssues(route, index, modelIds));
    if (route.reroute_to !== undefined && !modelIds.has(route.reroute_to)) {
      issues.push({
        path: ['routes', index, 'reroute_to'],
        message: `unknown model "${route.reroute_to}" (${knownList(modelIds)})`,
      });
    }
    if (route.context_overflow === 'reroute' && route.reroute_to === undefined) {
      issues.push({
        path: ['routes', index, 'reroute_to'],
        message: 'required with context_overflow: reroute',
      });
    }
    if (route.summarize_with !== undefined && !modelIds.has(route.summarize_with)) {
      issues.push({
        path: ['routes', index, 'summarize_with'],
        message: `unknown model "${route.summarize_with}" (${knownList(modelIds)})`,
      });
    }
    if (route.context_overflow === 'summarize' && route.summarize_with === undefined) {
      issues.push({
        path: ['routes', index, 'summarize_with'],
        message: 'required with context_overflow: summarize',
      });
    }
    if (route.strategy === 'single' && route.targets.length !== 1) {
      issues.push({
        path: ['routes', index, 'targets'],
        message: `strategy "single" takes exactly one target, got ${route.targets.length}`,
      });
    }
  }
  if (document.request_log.store === 'postgres' && document.request_log.url === undefined) {
    issues.push({ path: ['request_log', 'url'], message: 'required with store: postgres' });
  }
  if (document.default_route !== undefined && !firstIndexOfRoute.has(document.default_route)) {
    issues.push({
      path: ['default_route'],
      message: `unknown route "${document.default_route}" (${knownList(firstIndexOfRoute.keys())})`,
    });
  }
  return issues;
}

/** `weights` and `sticky` belong to split routes, one weight per target, and name a string signal. */
function splitIssues(
  route: ConfigDocument['routes'][number],
  index: number,
  signals: SignalCatalog,
): PendingIssue[] {
  const issues: PendingIssue[] = [];
  const path = ['routes', index];
  if (route.strategy !== 'split') {
    if (route.weights !== undefined)
      issues.push({ path: [...path, 'weights'], message: 'only for strategy: split' });
    return issues;
  }
  if (route.weights === undefined || route.weights.length !== route.targets.length) {
    issues.push({
      path: [...path, 'weights'],
      message: `strategy split needs one weight per target (${route.targets.length})`,
    });
  } else if (route.weights.every((weight) => weight === 0)) {
    issues.push({ path: [...path, 'weights'], message: 'at least one weight must be above 0' });
  }
  const sticky = signals.lookup(route.sticky);
  if (sticky === undefined || sticky.type !== 'string') {
    issues.push({
      path: [...path, 'sticky'],
      message: `must name a string signal (${sticky === undefined ? 'unknown' : `"${route.sticky}" is a ${sticky.type}`})`,
    });
  }
  return issues;
}

function inactiveReasons(
  targets: readonly string[],
  { inactiveProviders, dormantModels }: ResolveInput,
): string {
  const reasons = new Set<string>();
  for (const target of targets) {
    const providerName = dormantModels.get(target) ?? '';
    const missing = inactiveProviders.get(providerName);
    if (missing !== undefined) reasons.add(`provider "${providerName}" needs ${missing.join(', ')}`);
  }
  return reasons.size === 0 ? 'none of its models resolved' : [...reasons].join('; ');
}

function resolveRetry(retry: ConfigDocument['retry']): RetrySettings {
  return {
    attempts: retry.attempts,
    baseDelayMs: retry.base_delay_ms,
    maxDelayMs: retry.max_delay_ms,
    maxRetryAfterMs: retry.max_retry_after_ms,
    budget: retry.budget,
  };
}
