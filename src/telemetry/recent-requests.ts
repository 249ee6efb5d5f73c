/**
 * The most recent requests, in memory, for `GET /v1/requests/{id}`: a request in flight (its decision and
 * attempts so far), then its finished request-log row. Reads fall back to the request log's store for
 * older requests; rows reach the store in batches, so a request just answered is always found here.
 * Bounded: the oldest entry is dropped when it is full.
 */

import type { AttemptRecord } from '../executor/attempt.ts';
import type { RoutingDecision } from '../routing/decision.ts';
import type { RequestLogRow } from './request-log/row.ts';

export interface InFlightRequest {
  readonly id: string;
  readonly state: 'in-flight';
  /** Epoch ms. */
  readonly receivedAt: number;
  decision: RoutingDecision | null;
  attempts: readonly AttemptRecord[];
}

export type RecentRequest = InFlightRequest | (RequestLogRow & { readonly state: 'complete' });

export interface RecentRequests {
  /** Starts tracking a request; the returned object is filled in as it proceeds. */
  open(id: string, receivedAt: number): InFlightRequest;
  complete(row: RequestLogRow): void;
  get(id: string): RecentRequest | undefined;
  readonly capacity: number;
}

export function createRecentRequests(capacity: number): RecentRequests {
  // A Map iterates in insertion order, so its first key is always the oldest entry.
  const entries = new Map<string, RecentRequest>();
  const keep = (id: string, entry: RecentRequest): void => {
    if (capacity === 0) return;
    if (!entries.has(id) && entries.size >= capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(id, entry);
  };
  return {
    open(id, receivedAt) {
      const entry: InFlightRequest = { id, state: 'in-flight', receivedAt, decision: null, attempts: [] };
      keep(id, entry);
      return entry;
    },
    complete(row) {
      keep(row.id, { ...row, state: 'complete' });
    },
    get: (id) => entries.get(id),
    capacity,
  };
}
