import type { ErrorCode } from '../core/errors.ts';

/** One call to one target, as recorded for the response headers and (later) the request log. */
export interface AttemptRecord {
  readonly target: string;
  readonly provider: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | ErrorCode;
  readonly upstreamStatus: number | undefined;
  readonly message: string | undefined;
}
