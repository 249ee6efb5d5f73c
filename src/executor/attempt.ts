import type { ErrorCode } from '../core/errors.ts';
import type { Usage } from '../core/response.ts';
import type { Verdict } from './verification/verdict.ts';

/**
 * One call to one deployment, as recorded for the response headers and the request log. Failed
 * attempts keep their own outcome and cost (a stream cut after some output was billed for it), so
 * cost is attributed to the model that spent it, not to the one that finally answered.
 */
export interface AttemptRecord {
  /** The model id. */
  readonly target: string;
  readonly provider: string;
  /** `provider/upstream`: which deployment of the model was called. */
  readonly deployment: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /**
   * `pending` until the attempt ends (a stream's at its last byte); `cancelled`: stopped by the gateway
   * because another attempt answered first (hedging).
   */
  readonly outcome: 'pending' | 'ok' | 'cancelled' | ErrorCode;
  readonly upstreamStatus: number | undefined;
  readonly message: string | undefined;
  /** Until the first output (streams) or the whole answer; undefined when none came. */
  readonly firstTokenMs: number | undefined;
  /** Reported by the upstream, or estimated from the output seen when it reported none. */
  readonly usage: Usage | undefined;
  readonly costUsd: number | undefined;
  /** Time spent getting the deployment: the throttled gate's queue, mostly. Part of `durationMs`. */
  readonly queueMs: number;
  /** Request features removed to fit this deployment (lenient routes). */
  readonly dropped: readonly string[];
  /** `verifier`: a model grading another attempt's answer (cascades, verification passes). */
  readonly purpose?: 'verifier';
  /** What the cascade's verifiers or the verification pass made of this attempt's answer. */
  readonly verdict?: Verdict;
}

/** Told when an attempt starts and, once, when it ends (its outcome leaves `pending`). */
export interface AttemptListener {
  started(record: AttemptRecord): void;
  ended(record: AttemptRecord): void;
}

const NOTHING: readonly string[] = Object.freeze([]);

/**
 * A request's attempts in the order they started. Hedged attempts run at once, and a stream's attempt
 * is only complete at its last byte, so records are written when an attempt starts and replaced as it
 * ends; readers holding `records` see the latest.
 */
export class AttemptLog {
  readonly records: AttemptRecord[] = [];
  readonly #listener: AttemptListener | undefined;

  constructor(listener?: AttemptListener) {
    this.#listener = listener;
  }

  begin(fields: Pick<AttemptRecord, 'target' | 'provider' | 'deployment' | 'startedAtMs'>): number {
    const record: AttemptRecord = {
      ...fields,
      durationMs: 0,
      outcome: 'pending',
      upstreamStatus: undefined,
      message: undefined,
      firstTokenMs: undefined,
      usage: undefined,
      costUsd: undefined,
      queueMs: performance.now() - fields.startedAtMs,
      dropped: NOTHING,
    };
    this.records.push(record);
    this.#listener?.started(record);
    return this.records.length - 1;
  }

  /** Adds what was learned about an attempt after it ended; its timing and outcome stay as they were. */
  annotate(index: number, fields: Pick<AttemptRecord, 'purpose' | 'verdict'>): void {
    const record = this.records[index];
    if (record !== undefined) this.records[index] = { ...record, ...fields };
  }

  update(index: number, fields: Partial<Omit<AttemptRecord, 'startedAtMs'>>): void {
    const record = this.records[index];
    if (record === undefined) return;
    const next: AttemptRecord = {
      ...record,
      durationMs: performance.now() - record.startedAtMs,
      ...fields,
    };
    this.records[index] = next;
    if (record.outcome === 'pending' && next.outcome !== 'pending') this.#listener?.ended(next);
  }
}
