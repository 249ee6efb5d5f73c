/**
 * What verifying one answer found: each check's result, and whether the answer was accepted. Kept on the
 * attempt that produced the answer, so the request log's attempts read as the cascade's steps.
 */

/** `rules`: refusal, truncation, JSON, pattern, fields; `confidence`: token logprobs; `model`, `webhook`. */
export type CheckName = 'rules' | 'confidence' | 'model' | 'webhook';

export interface CheckResult {
  readonly check: CheckName;
  readonly passed: boolean;
  /** Why, in a few words: "finish_reason is length", "score 4 < 7", "webhook timed out". */
  readonly reason: string;
  /** The verifier model's grade (0–10) or the answer's confidence (0–1), when there is one. */
  readonly score?: number;
  /** The verifier itself failed (error, timeout, an unreadable grade); `passed` is what the route said to do. */
  readonly verifierFailed?: boolean;
}

export interface Verdict {
  /** `cascade`: decides escalation; `verify`: the verification pass that releases the answer. */
  readonly stage: 'cascade' | 'verify';
  readonly accepted: boolean;
  readonly checks: readonly CheckResult[];
}

/** What verification did to a request, for the response headers. */
export interface VerificationSummary {
  /** Each cascade step: `model=accepted`, `model=rejected(check: reason)`, `model=failed(code)`, `model=final`. */
  readonly steps: readonly string[];
  /**
   * After a verification pass: `approved`, `refused` or `escalated`; `unverified` for a rejected answer
   * sent because the cascade ran out of deadline or budget (`on_exhausted: last_answer`).
   */
  readonly result: 'approved' | 'refused' | 'escalated' | 'unverified' | undefined;
}

/** `cheap=rejected(rules: finish_reason is length)` — for the x-switchyard-cascade header. */
export function describeVerdict(target: string, verdict: Verdict): string {
  if (verdict.accepted) return `${target}=accepted`;
  const failed = verdict.checks.find((check) => !check.passed);
  return `${target}=rejected(${failed === undefined ? 'no reason' : `${failed.check}: ${failed.reason}`})`;
}
