import type { Logger } from 'pino';
import type { ResolvedConfig } from '../config/resolved.ts';
import type { Executor } from '../executor/execute.ts';
import type { ProviderAdapter } from '../providers/contract.ts';
import type { CircuitBreakers } from '../executor/circuit-breaker.ts';
import type { SignalRegistry } from '../features/signals/registry.ts';
import type { Planner } from '../routing/plan.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { RecentRequests } from '../telemetry/recent-requests.ts';
import type { RequestLogStore } from '../telemetry/request-log/store.ts';
import type { TrackerServices } from './request-tracker.ts';

/** What the HTTP layer needs from the stages behind it; wired once in app.ts. */
export interface GatewayServices {
  readonly config: ResolvedConfig;
  readonly signals: SignalRegistry;
  /** Per-deployment circuit state, for the admin endpoint. */
  readonly breakers: CircuitBreakers;
  readonly planner: Planner;
  /** Recent requests, in flight or just finished, for GET /v1/requests/{id}. */
  readonly recent: RecentRequests;
  /** The request log's store (undefined when `request_log.store: off`), for older requests and stats. */
  readonly requestLog: RequestLogStore | undefined;
  /** Prometheus metrics for GET /metrics (undefined when `metrics.enabled: false`). */
  readonly metrics: Metrics | undefined;
  /** What each request's tracker reports to. */
  readonly tracking: TrackerServices;
  readonly executor: Executor;
  readonly adapters: ReadonlyMap<string, ProviderAdapter>;
  readonly logger: Logger;
  /** False once shutdown has begun, so /readyz tells load balancers to stop sending traffic. */
  readonly accepting: () => boolean;
}
