/**
 * A circuit breaker per deployment (a model on its provider). Closed, it counts the deployment's failures
 * in a sliding window; at the threshold it opens, and for `openMs` its traffic goes to the route's
 * fallbacks without calling it. Then it is half-open: one request probes it — success closes the circuit,
 * failure opens it again for another `openMs`. Circuits therefore always close once the deployment
 * recovers, and never need traffic to fail to find out. A 401/403 opens the circuit at once: a revoked
 * key fails every call until someone fixes it, so the deployment is marked unhealthy on the first.
 *
 * Only failures that say something about the deployment count: server errors, timeouts, connection
 * failures, broken streams, rejected credentials. A client's bad request, a context overflow, a content
 * filter or a rate limit (capacity, not health; Retry-After handles it) do not.
 */

import type { ErrorCode, GatewayError } from '../core/errors.ts';

export interface BreakerSettings {
  /** 0 disables breaking. */
  readonly failureThreshold: number;
  readonly windowMs: number;
  readonly openMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitSnapshot {
  readonly deployment: string;
  readonly state: CircuitState;
  readonly recentFailures: number;
  /** When an open circuit lets its next probe through (ms since the epoch). */
  readonly probeAt: number | undefined;
}

const HEALTH_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'upstream_server_error',
  'upstream_unavailable',
  'upstream_overloaded',
  'upstream_timeout',
  'upstream_connection_failed',
  'upstream_bad_response',
  'upstream_auth_failed',
  'upstream_not_found',
  'stream_truncated',
]);

interface Circuit {
  failures: number[];
  state: CircuitState;
  openedAt: number;
  probing: boolean;
}

export interface CircuitBreakers {
  /** May this deployment be called now? In half-open state only one probe at a time is let through. */
  allow(deployment: string): boolean;
  /** Whether `allow` would refuse now, without taking the half-open probe (for choosing among several). */
  blocked(deployment: string): boolean;
  /** The call ended saying nothing about health (cancelled, a hedge that lost): frees a probe slot. */
  released(deployment: string): void;
  succeeded(deployment: string): void;
  failed(deployment: string, error: GatewayError): void;
  snapshot(): readonly CircuitSnapshot[];
}

export function createCircuitBreakers(
  settings: BreakerSettings,
  now: () => number = Date.now,
): CircuitBreakers {
  const circuits = new Map<string, Circuit>();
  const circuitOf = (deployment: string): Circuit => {
    let circuit = circuits.get(deployment);
    if (circuit === undefined) {
      circuit = { failures: [], state: 'closed', openedAt: 0, probing: false };
      circuits.set(deployment, circuit);
    }
    return circuit;
  };
  const open = (circuit: Circuit): void => {
    circuit.state = 'open';
    circuit.openedAt = now();
    circuit.probing = false;
  };

  return {
    allow(deployment) {
      if (settings.failureThreshold === 0) return true;
      const circuit = circuits.get(deployment);
      if (circuit === undefined || circuit.state === 'closed') return true;
      if (circuit.state === 'open') {
        if (now() - circuit.openedAt < settings.openMs) return false;
        circuit.state = 'half-open';
      }
      if (circuit.probing) return false;
      circuit.probing = true;
      return true;
    },
    blocked(deployment) {
      if (settings.failureThreshold === 0) return false;
      const circuit = circuits.get(deployment);
      if (circuit === undefined || circuit.state === 'closed') return false;
      if (circuit.state === 'open' && now() - circuit.openedAt < settings.openMs) return true;
      return circuit.probing;
    },
    released(deployment) {
      const circuit = circuits.get(deployment);
      if (circuit !== undefined) circuit.probing = false;
    },
    succeeded(deployment) {
      const circuit = circuits.get(deployment);
      if (circuit === undefined) return;
      circuit.state = 'closed';
      circuit.failures = [];
      circuit.probing = false;
    },
    failed(deployment, error) {
      if (settings.failureThreshold === 0 || !HEALTH_FAILURES.has(error.code)) {
        // Not the deployment's fault; a half-open probe that ends this way proves nothing either way.
        const circuit = circuits.get(deployment);
        if (circuit !== undefined) circuit.probing = false;
        return;
      }
      const circuit = circuitOf(deployment);
      // Rejected credentials do not heal by themselves: the deployment is out until a probe proves otherwise.
      if (circuit.state === 'half-open' || error.code === 'upstream_auth_failed') {
        open(circuit);
        return;
      }
      const at = now();
      circuit.failures = circuit.failures.filter((time) => at - time < settings.windowMs);
      circuit.failures.push(at);
      if (circuit.failures.length >= settings.failureThreshold) open(circuit);
    },
    snapshot() {
      const at = now();
      return [...circuits].map(([deployment, circuit]) => ({
        deployment,
        state:
          circuit.state === 'open' && at - circuit.openedAt >= settings.openMs ? 'half-open' : circuit.state,
        recentFailures: circuit.failures.filter((time) => at - time < settings.windowMs).length,
        probeAt: circuit.state === 'open' ? circuit.openedAt + settings.openMs : undefined,
      }));
    },
  };
}
