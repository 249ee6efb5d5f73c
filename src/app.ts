/**
 * The one wiring file: each stage is built from the one before it. Reading top to bottom is reading
 * the request's path: config → providers → signals → routing → executor → HTTP.
 */

import type { Logger } from 'pino';
import type { ResolvedConfig } from './config/resolved.ts';
import { newId } from './core/ids.ts';
import type { ChatRequest } from './core/request.ts';
import { createCircuitBreakers } from './executor/circuit-breaker.ts';
import { createExecutor, type Executor } from './executor/execute.ts';
import { PROVIDER_FACTORIES } from './providers/factories.ts';
import { createAdapters } from './providers/registry.ts';
import { createHttpTransport } from './providers/transport/http-transport.ts';
import { createSignalRegistry } from './features/signals/index.ts';
import { buildIntentClassifier, IntentSetupError } from './features/intent-classifier.ts';
import { ConfigError } from './config/issues.ts';
import type { EmbedTexts } from './learning/embedding-classifier.ts';
import type { ProviderAdapter } from './providers/contract.ts';
import type { SummarizeCall } from './routing/overflow.ts';
import { createPlanner, DIRECT_COMMIT, type ExecutionPlan } from './routing/plan.ts';
import { createObservability } from './telemetry/observability.ts';
import { createHttpServer, type GatewayHttpServer } from './server/http-server.ts';

export interface Gateway {
  readonly server: GatewayHttpServer;
  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, waits for in-flight requests, then closes upstream connections. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The clock circuit breakers and capacity windows run on (ms); default Date.now. Tests inject their own. */
  readonly now?: () => number;
}

export async function createGateway(
  config: ResolvedConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  let accepting = true;
  const transport = createHttpTransport();
  const adapters = await createAdapters(config.providers, PROVIDER_FACTORIES, { transport });
  const intent =
    config.signals.intent === undefined
      ? undefined
      : await buildIntentClassifier(
          config.signals.intent,
          embedderFor(config, adapters, config.signals.intent.embeddingsModel),
        ).catch(async (error: unknown) => {
          // The adapters started (an in-process simulator listens): stop them, or the process stays up.
          await Promise.all([...adapters.values()].map((adapter) => adapter.close()));
          await transport.close();
          // Printed like any config problem (exit code 2), with the file and line at fault.
          if (error instanceof IntentSetupError)
            throw new ConfigError('config', [{ path: 'signals.intent', message: error.message }]);
          throw error;
        });
  const signals = createSignalRegistry({
    complexity: config.signals.complexity,
    ...(intent === undefined ? {} : { intent }),
  });
  const breakers = createCircuitBreakers(config.circuitBreaker, options.now);
  const baseExecutor = createExecutor(adapters, config.providers, {
    breakers,
    deployments: config.deployments,
    now: options.now,
  });
  // Cascades and verify passes (and the JSON Schema compiler they bring) load only where a route has them.
  const verifies = [...config.routes.values()].some(
    (route) => route.cascade !== undefined || route.verify !== undefined,
  );
  const executor = verifies
    ? (await import('./executor/verification/verified-executor.ts')).withVerification(baseExecutor, transport)
    : baseExecutor;
  const planner = createPlanner(config, { summarize: summarizeThrough(executor) });
  const observability = await createObservability(config, logger, {
    breakers,
    gates: () => executor.gates(),
  });
  const server = createHttpServer({
    config,
    signals,
    breakers,
    planner,
    recent: observability.recent,
    requestLog: observability.requestLog,
    metrics: observability.metrics,
    tracking: {
      telemetry: observability.telemetry,
      recent: observability.recent,
      configVersion: config.version,
      redact: observability.redact,
    },
    executor,
    adapters,
    logger,
    accepting: () => accepting,
  });

  return {
    server,
    async listen(port = config.server.port, host = config.server.host) {
      await server.listen({ port, host });
      const address = server.server.address();
      const boundPort = typeof address === 'object' && address !== null ? address.port : port;
      const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      return { port: boundPort, url: `http://${urlHost}:${boundPort}` };
    },
    async close() {
      accepting = false;
      // In-flight requests finish first (server.close waits for them), then their rows are written.
      // A keep-alive connection whose request just finished would hold the close open until its idle
      // timeout (72 s): close connections as soon as they go idle.
      const closeIdle = setInterval(() => server.server.closeIdleConnections(), CLOSE_IDLE_EVERY_MS);
      try {
        await server.close();
      } finally {
        clearInterval(closeIdle);
      }
      await observability.close();
      await Promise.all([...adapters.values()].map((adapter) => adapter.close()));
      await transport.close();
    },
  };
}

/** An embedding for the intent signal is one short call; past this the signal reads as missing. */
const INTENT_EMBED_TIMEOUT_MS = 5_000;

/** Embeds through the adapter of `modelId`'s provider, when it has an embeddings endpoint. */
function embedderFor(
  config: ResolvedConfig,
  adapters: ReadonlyMap<string, ProviderAdapter>,
  modelId: string | undefined,
): EmbedTexts | undefined {
  const model = modelId === undefined ? undefined : config.models.get(modelId);
  const adapter = model === undefined ? undefined : adapters.get(model.provider);
  if (model === undefined || adapter?.embed === undefined) return undefined;
  return async (texts) => {
    const signal = AbortSignal.timeout(INTENT_EMBED_TIMEOUT_MS);
    return (await adapter.embed!(texts, model, { requestId: 'intent-embedding', signal })).vectors;
  };
}

/** How often a closing gateway closes connections that finished their last request. */
const CLOSE_IDLE_EVERY_MS = 50;

/** A summary is worth one retry after a transient failure: the request it serves is waiting. */
const SUMMARY_RETRY = { attempts: 2, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 2_000, budget: 1 };

/** How long a history summary may take before the request it serves gives up on it. */
const SUMMARY_TIMEOUT_MS = 60_000;

/** `context_overflow: summarize` calls its model through the executor, like any other request. */
function summarizeThrough(executor: Executor): SummarizeCall {
  return async (model, messages, maxTokens) => {
    const request: ChatRequest = {
      model: model.id,
      messages,
      sampling: { temperature: 0 },
      maxOutputTokens: maxTokens,
      stream: false,
      includeUsage: false,
      metadata: {},
    };
    const targets = [model.id];
    const plan: ExecutionPlan = {
      route: 'summarize',
      strategy: 'single',
      targets: [model],
      onUnsupported: 'lenient',
      retry: SUMMARY_RETRY,
      deadlineMs: SUMMARY_TIMEOUT_MS,
      firstTokenMs: undefined,
      commit: DIRECT_COMMIT,
      hedge: undefined,
      logBodies: false,
      verification: undefined,
      request,
      decision: {
        requested: model.id,
        route: 'summarize',
        selection: 'requested-model',
        rules: [],
        candidates: targets,
        removed: [],
        targets,
      },
    };
    const outcome = await executor.generate(plan, request, {
      requestId: newId('sum'),
      signal: AbortSignal.timeout(SUMMARY_TIMEOUT_MS),
      clientHeaders: {},
      fieldName: (feature) => feature,
    });
    return outcome.response.text;
  };
}
