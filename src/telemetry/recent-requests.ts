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
  // Finished rows are kept as they are and marked complete only when read: reads are rare, requests not.
  const entries = new Map<string, InFlightRequest | RequestLogRow>();
  // Ids in arrival order, in a ring: the slot to fill next holds the oldest id, evicted when it is reused.
  const order: (string | undefined)[] = new Array<string | undefined>(capacity);
  let next = 0;
  const keep = (id: string, entry: InFlightRequest | RequestLogRow): void => {
    if (capacity === 0) return;
    if (!entries.has(id)) {
      const oldest = order[next];
      if (oldest !== undefined) entries.delete(oldest);
      order[next] = id;
      next = (next + 1) % capacity;
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
      keep(row.id, row);
    },
    get(id) {
      const entry = entries.get(id);
      if (entry === undefined || 'state' in entry) return entry;
      return { ...entry, state: 'complete' };
    },
    capacity,
  };
}
