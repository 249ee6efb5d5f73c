import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/resolved.ts';
import type { Executor } from '../executor/execute.ts';
import type { ProviderAdapter } from '../providers/contract.ts';
import type { CircuitBreakers } from '../executor/circuit-breaker.ts';
import type { SignalRegistry } from '../features/signals/registry.ts';
import type { Planner } from '../routing/plan.ts';
import type { RequestStore } from '../telemetry/request-store.ts';

/** What the HTTP layer needs from the stages behind it; wired once in app.ts. */
export interface GatewayServices {
  readonly config: ResolvedConfig;
  readonly signals: SignalRegistry;
  /** Per-deployment circuit state, for the admin endpoint. */
  readonly breakers: CircuitBreakers;
  readonly planner: Planner;
  /** Recent requests' routing records, for GET /v1/requests/{id}. */
  readonly requests: RequestStore;
  readonly executor: Executor;
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly logger: Logger;
  /** False once shutdown has begun, so /readyz tells load balancers to stop sending traffic. */
  readonly accepting: () => boolean;
}
