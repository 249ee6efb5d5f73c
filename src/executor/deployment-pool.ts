/**
 * Where an attempt on a model actually goes. A model has one or more deployments (config
 * `deployments:`); for each attempt the pool picks one the request has not tried yet whose circuit is
 * not open and whose rpm/tpm capacity has room (balancer.ts), then waits for a slot at its throttled gate
 * (gate.ts), if it has one. The lease it returns is ended exactly once, when the call is over — for a
 * stream that is its last byte — feeding the circuit breaker, the balancer's load and latency figures,
 * and the model's time-to-first-token window that hedging reads.
 */

import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ModelDeployments, ResolvedDeployment, ResolvedProvider } from '../config/resolved.ts';
import type { ProviderAdapter } from '../providers/contract.ts';
import { createBalancer, type Balancer, type DeploymentCall } from './balancer.ts';
import type { CircuitBreakers } from './circuit-breaker.ts';
import { createGate, type Gate, type Permit, type PriorityClass } from './gate.ts';
import { createLatencyWindow, type LatencyWindow } from './latency-window.ts';

/** How a call on a deployment ended: `ok`, failed with an error, or cancelled (says nothing of health). */
export type CallResult =
  | {
      readonly kind: 'ok';
      /** Time to first token for a stream, the whole call otherwise: the balancer's latency sample. */
      readonly latencyMs: number;
      readonly streamed: boolean;
      readonly tokens: number | undefined;
    }
  | { readonly kind: 'failed'; readonly error: GatewayError }
  | { readonly kind: 'cancelled' };

export interface DeploymentLease {
  readonly deployment: ResolvedDeployment;
  readonly adapter: ProviderAdapter;
  /** Client headers copied to this deployment's provider. */
  readonly forwardHeaders: readonly string[];
  /** Idempotent; the first call counts. */
  end(result: CallResult): void;
}

export interface LeaseRequest {
  /**
   * Deployments this request already approached on this model; `acquire` adds the one it picks, even
   * when its gate then turns the request away, so the next acquire looks elsewhere.
   */
  readonly tried: Set<string>;
  /** Estimated tokens of the call, for tpm capacity; asked only of models that have a tpm limit. */
  readonly estimateTokens: () => number;
  readonly priority: PriorityClass;
  readonly signal: AbortSignal;
}

export interface DeploymentPool {
  acquire(model: ResolvedModel, request: LeaseRequest): Promise<DeploymentLease>;
  /** Whether another deployment of the model could still be tried by this request. */
  hasUntried(model: ResolvedModel, tried: ReadonlySet<string>): boolean;
  /** A quantile of the model's observed time to first token (undefined until enough samples). */
  firstTokenQuantile(modelId: string, quantile: number): number | undefined;
  /** Every throttled gate in use, for metrics. */
  gates(): readonly GateLoad[];
}

export interface GateLoad {
  readonly deployment: string;
  readonly inFlight: number;
  readonly queued: number;
}

interface ModelPool {
  readonly deployments: readonly ResolvedDeployment[];
  readonly byId: ReadonlyMap<string, ResolvedDeployment>;
  readonly balancer: Balancer;
  readonly gates: ReadonlyMap<string, Gate>;
  readonly firstToken: LatencyWindow;
  /** Whether any deployment has a tpm limit (only then is a request's size estimated). */
  readonly limitsTokens: boolean;
}

export interface PoolOptions {
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  readonly deployments: ReadonlyMap<string, ModelDeployments>;
  readonly breakers: CircuitBreakers;
  readonly now?: () => number;
}

export function createDeploymentPool(options: PoolOptions): DeploymentPool {
  const { adapters, providers, breakers } = options;
  const pools = new Map<string, ModelPool>();

  const poolOf = (model: ResolvedModel): ModelPool => {
    let pool = pools.get(model.id);
    if (pool === undefined) {
      // Models built outside config (tests, tools) are their own single deployment.
      const configured = options.deployments.get(model.id) ?? singleDeployment(model);
      const deployments = configured.deployments;
      pool = {
        deployments,
        byId: new Map(deployments.map((deployment) => [deployment.id, deployment])),
        balancer: createBalancer(configured.balance, deployments, { now: options.now }),
        gates: new Map(
          deployments.flatMap((deployment) =>
            deployment.gate === undefined ? [] : [[deployment.id, createGate(deployment.gate, options)]],
          ),
        ),
        firstToken: createLatencyWindow(),
        limitsTokens: deployments.some((deployment) => deployment.tpm !== undefined),
      };
      pools.set(model.id, pool);
    }
    return pool;
  };

  const adapterOf = (deployment: ResolvedDeployment): ProviderAdapter => {
    const adapter = adapters.get(deployment.model.provider);
    if (adapter === undefined) {
      throw new GatewayError('internal_error', `no adapter for provider '${deployment.model.provider}'`);
    }
    return adapter;
  };

  return {
    async acquire(model, request) {
      const pool = poolOf(model);
      const tokens = pool.limitsTokens ? request.estimateTokens() : 0;
      const refused = new Set<string>();
      const exclude = (id: string): boolean =>
        request.tried.has(id) || refused.has(id) || breakers.blocked(id);
      let chosen: ResolvedDeployment | undefined;
      while (chosen === undefined) {
        const id = pool.balancer.choose({ exclude, tokens: tokens });
        if (id === undefined) throw unavailable(model, pool, tokens, exclude);
        const deployment = pool.byId.get(id);
        // `allow` takes the half-open probe; another request may have just taken it.
        if (deployment !== undefined && breakers.allow(id)) chosen = deployment;
        else refused.add(id);
      }
      const deployment = chosen;
      request.tried.add(deployment.id);
      const adapter = adapterOf(deployment);
      let permit: Permit | undefined;
      const gate = pool.gates.get(deployment.id);
      if (gate !== undefined) {
        try {
          permit = await gate.acquire(request.priority, request.signal);
        } catch (error) {
          breakers.released(deployment.id);
          throw withDeployment(error, deployment);
        }
      }
      const call: DeploymentCall = pool.balancer.start(deployment.id, tokens);
      let ended = false;
      return {
        deployment,
        adapter,
        forwardHeaders: providers.get(deployment.model.provider)?.forwardHeaders ?? [],
        end(result) {
          if (ended) return;
          ended = true;
          permit?.release();
          switch (result.kind) {
            case 'ok':
              breakers.succeeded(deployment.id);
              // Hedging waits on first tokens; a whole non-streamed answer's time would skew the window.
              if (result.streamed) pool.firstToken.record(result.latencyMs);
              call.end({ ok: true, latencyMs: result.latencyMs, tokens: result.tokens });
              break;
            case 'failed':
              breakers.failed(deployment.id, result.error);
              // A refused request (bad input, content filter, window) says nothing about speed or health.
              call.end(result.error.spec.retryable ? { ok: false } : { ok: true });
              break;
            case 'cancelled':
              breakers.released(deployment.id);
              call.end({ ok: true });
              break;
          }
        },
      };
    },
    hasUntried(model, tried) {
      return poolOf(model).deployments.some(
        (deployment) =>
          !tried.has(deployment.id) && deployment.weight > 0 && !breakers.blocked(deployment.id),
      );
    },
    firstTokenQuantile(modelId, quantile) {
      return pools.get(modelId)?.firstToken.quantile(quantile);
    },
    gates() {
      const loads: GateLoad[] = [];
      for (const pool of pools.values()) {
        for (const [deployment, gate] of pool.gates) {
          loads.push({ deployment, inFlight: gate.inFlight, queued: gate.queued });
        }
      }
      return loads;
    },
  };
}

/** Why no deployment could take the call: every circuit open, or every one out of rpm/tpm capacity. */
function unavailable(
  model: ResolvedModel,
  pool: ModelPool,
  tokens: number,
  exclude: (id: string) => boolean,
): GatewayError {
  const details = { provider: model.provider, model: model.id };
  const retryAfterMs = pool.balancer.retryAfterMs(tokens, exclude);
  if (retryAfterMs !== undefined) {
    return new GatewayError(
      'capacity_exhausted',
      `Every deployment of '${model.id}' has used its requests or tokens per minute.`,
      { ...details, retryAfterMs },
    );
  }
  return new GatewayError(
    'circuit_open',
    pool.deployments.length === 1
      ? `The circuit of '${model.id}' is open after repeated failures.`
      : `Every untried deployment of '${model.id}' has an open circuit.`,
    details,
  );
}

function withDeployment(error: unknown, deployment: ResolvedDeployment): unknown {
  if (!(error instanceof GatewayError) || error.code !== 'capacity_exhausted') return error;
  return new GatewayError('capacity_exhausted', `'${deployment.id}' is full: ${error.message}`, {
    ...error.details,
    provider: deployment.model.provider,
    model: deployment.model.id,
  });
}

export function singleDeployment(model: ResolvedModel): ModelDeployments {
  return {
    balance: 'weighted',
    deployments: [
      {
        id: `${model.provider}/${model.upstreamModel}`,
        model,
        weight: 1,
        rpm: undefined,
        tpm: undefined,
        gate: undefined,
      },
    ],
  };
}
