/**
 * The most recent requests' records — the routing decision and how it was carried out — for
 * `GET /v1/requests/{id}`. Bounded and in memory: the oldest record is dropped when the store is full.
 * (The persistent request log of the observability work replaces this, behind the same reads.)
 */

import type { ErrorCode } from '../core/errors.ts';
import type { AttemptRecord } from '../executor/attempt.ts';
import type { RoutingDecision } from '../routing/decision.ts';

export interface RequestRecord {
  readonly id: string;
  /** ISO time the request was received. */
  readonly receivedAt: string;
  /** Set once routing decided (absent when the request failed before that). */
  decision: RoutingDecision | undefined;
  /** The model that served, once one did. */
  served: string | undefined;
  attempts: readonly AttemptRecord[];
  /** Request features a lenient route dropped for the serving model. */
  dropped: readonly string[];
  /** The error the client received, if any. */
  error: { readonly code: ErrorCode; readonly message: string } | undefined;
}

export interface RequestStore {
  /** Starts a record; later fields are filled in on the returned object as the request proceeds. */
  open(id: string): RequestRecord;
  get(id: string): RequestRecord | undefined;
  readonly size: number;
}

export function createRequestStore(capacity: number): RequestStore {
  // A Map iterates in insertion order, so its first key is always the oldest record.
  const records = new Map<string, RequestRecord>();
  return {
    open(id) {
      const record: RequestRecord = {
        id,
        receivedAt: new Date().toISOString(),
        decision: undefined,
        served: undefined,
        attempts: [],
        dropped: [],
        error: undefined,
      };
      if (capacity === 0) return record;
      if (records.size >= capacity) {
        const oldest = records.keys().next();
        if (oldest.done !== true) records.delete(oldest.value);
      }
      records.set(id, record);
      return record;
    },
    get: (id) => records.get(id),
    get size() {
      return records.size;
    },
  };
}
