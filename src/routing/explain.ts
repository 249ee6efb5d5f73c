/**
 * A routing decision with the signals behind it, as `POST /v1/route/explain` and `switchyard explain`
 * both return it: a dry run of the router, no model called.
 */

import type { ChatRequest } from '../core/request.ts';
import type { SignalValue } from '../features/signal-types.ts';
import type { RequestHeaders, SignalRegistry } from '../features/signals/index.ts';
import type { RoutingDecision } from './decision.ts';
import type { Planner } from './plan.ts';

export interface Explanation {
  readonly decision: RoutingDecision;
  /** Every signal read while routing, `null` when missing. */
  readonly signals_read: Readonly<Record<string, SignalValue | null>>;
  readonly signal_failures: readonly { readonly signal: string; readonly message: string }[];
}

/** Routes one request; throws the planner's GatewayError when routing refuses it. */
export async function explainRouting(
  planner: Planner,
  signals: SignalRegistry,
  request: ChatRequest,
  headers: RequestHeaders,
): Promise<Explanation> {
  // Signals that need a call first (an embedding intent) make it, as for a real request.
  await signals.prepare({ request, headers });
  const values = signals.valuesFor({ request, headers });
  const plan = planner.plan(request, values);
  return {
    decision: plan.decision,
    signals_read: Object.fromEntries([...values.readValues()].map(([name, value]) => [name, value ?? null])),
    signal_failures: values.failures().map(({ signal, message }) => ({ signal, message })),
  };
}
