import { AllAttemptsFailedError, type GatewayError } from '../../core/errors.ts';

/** One failed attempt as both client protocols list it in an aggregate error body. */
export interface FailedAttemptBody {
  readonly target: string;
  readonly provider: string;
  readonly code: string;
  readonly status: number | null;
  readonly duration_ms: number;
}

/**
 * When every attempt failed, the error body lists each one (target, class, status, duration) next to the
 * message that says the same in prose; SDKs ignore fields they do not know.
 */
export function failedAttempts(error: GatewayError): { attempts?: FailedAttemptBody[] } {
  if (!(error instanceof AllAttemptsFailedError)) return {};
  return {
    attempts: error.attempts.map((attempt) => ({
      target: attempt.target,
      provider: attempt.provider,
      code: attempt.code,
      status: attempt.upstreamStatus ?? null,
      duration_ms: Math.round(attempt.durationMs),
    })),
  };
}
