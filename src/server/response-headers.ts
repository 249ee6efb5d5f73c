import type { AttemptRecord } from '../executor/attempt.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ExecutionPlan } from '../routing/plan.ts';

export const REQUEST_ID_HEADER = 'x-switchyard-request-id';

/** The compact "why" on every answered request: which route decided, which model served, how many tries. */
export function routingHeaders(
  requestId: string,
  plan: ExecutionPlan,
  served: ResolvedModel,
  attempts: readonly AttemptRecord[],
): Record<string, string> {
  return {
    [REQUEST_ID_HEADER]: requestId,
    'x-switchyard-route': plan.route,
    'x-switchyard-model': served.id,
    'x-switchyard-provider': served.provider,
    'x-switchyard-attempts': String(attempts.length),
  };
}
