import type { AttemptRecord } from '../executor/attempt.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { RequestFeature } from '../executor/request-fit.ts';
import type { VerificationSummary } from '../executor/verification/verdict.ts';
import type { ExecutionPlan } from '../routing/plan.ts';

export const REQUEST_ID_HEADER = 'x-switchyard-request-id';
/** Milliseconds the gateway itself added (total minus the time inside upstream calls, queues, waits). */
export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';
/** Request features a lenient route removed to fit the serving model (canonical feature names). */
export const DROPPED_HEADER = 'x-switchyard-dropped-params';

/** A cascade's steps: `lite=rejected(rules: finish_reason is length), mid=accepted`. */
export const CASCADE_HEADER = 'x-switchyard-cascade';
/** After a verification pass: approved, refused or escalated; `unverified` for a rejected answer sent anyway. */
export const VERIFIED_HEADER = 'x-switchyard-verified';

/** Header values are Latin-1 without control characters; reasons may quote model output. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 1_000);
}

/** The compact "why" on every answered request: which route decided, which model served, how many tries. */
export function routingHeaders(
  requestId: string,
  plan: ExecutionPlan,
  outcome: {
    readonly served: ResolvedModel;
    readonly attempts: readonly AttemptRecord[];
    readonly dropped: readonly RequestFeature[];
    readonly verification?: VerificationSummary;
  },
): Record<string, string> {
  const headers: Record<string, string> = {
    [REQUEST_ID_HEADER]: requestId,
    'x-switchyard-route': plan.route,
    'x-switchyard-model': outcome.served.id,
    'x-switchyard-provider': outcome.served.provider,
    'x-switchyard-attempts': String(outcome.attempts.length),
  };
  // Lenient routes say what they removed; a client never has to guess why an answer ignored a field.
  if (outcome.dropped.length > 0) headers[DROPPED_HEADER] = outcome.dropped.join(', ');
  const verification = outcome.verification;
  if (verification !== undefined) {
    if (verification.steps.length > 0) headers[CASCADE_HEADER] = headerSafe(verification.steps.join(', '));
    if (verification.result !== undefined) headers[VERIFIED_HEADER] = verification.result;
  }
  return headers;
}
