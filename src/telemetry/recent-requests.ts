/**
 * The most recent requests, in memory, for `GET /v1/requests/{id}`: a request in flight (its decision and
 * attempts so far), then its finished request-log row. With a request log, a finished row is not kept
 * here: it waits in the log's queue until the store has it (`queued` finds it there), so rows do not
 * outlive their request in the serving process's heap — kept here, every row was copied by two young
 * collections and then promoted. Without a request log this is the only place a finished row is found.
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
  /** Replaces the entry `open` returned with the request's finished row. */
  complete(opened: InFlightRequest, row: RequestLogRow): void;
  get(id: string): RecentRequest | undefined;
  readonly capacity: number;
}

/** Where finished rows wait for the request log's store; a row that has reached the store is not there. */
export type QueuedRowLookup = (id: string) => RequestLogRow | undefined;

/** What a finished request leaves in its slot when its row lives in the request log: no request's id. */
const HANDED_TO_LOG: InFlightRequest = Object.freeze({
  id: '\u0000handed-to-request-log',
  state: 'in-flight',
  receivedAt: 0,
  decision: null,
  attempts: [],
});

/** `queued`: the request log's queue, when there is a request log; finished rows then stay out of the ring. */
export function createRecentRequests(capacity: number, queued?: QueuedRowLookup): RecentRequests {
  // A ring in arrival order: the slot to fill next holds the oldest entry. Every request writes here and
  // almost none is read back, so writes are plain stores (a Map keyed by id cost 1.5 % of the serving
  // thread: hashing each new id, deleting the evicted one) and reads scan from the newest. Without a
  // request log, finished rows are kept as they are and marked complete only when read.
  const ring: (InFlightRequest | RequestLogRow | undefined)[] = new Array<undefined>(capacity);
  let next = 0;
  const push = (entry: InFlightRequest | RequestLogRow): void => {
    if (capacity === 0) return;
    ring[next] = entry;
    next = next + 1 === capacity ? 0 : next + 1;
  };
  /** The slot holding the entry `matches` picks, newest first; −1 when it has been dropped. */
  const slotWhere = (matches: (entry: InFlightRequest | RequestLogRow) => boolean): number => {
    for (let step = 1; step <= capacity; step++) {
      const slot = (next - step + capacity) % capacity;
      const entry = ring[slot];
      if (entry === undefined) return -1;
      if (matches(entry)) return slot;
    }
    return -1;
  };
  return {
    open(id, receivedAt) {
      const entry: InFlightRequest = { id, state: 'in-flight', receivedAt, decision: null, attempts: [] };
      push(entry);
      return entry;
    },
    complete(opened, row) {
      // By identity: one comparison per newer request, however alike their ids are.
      const slot = slotWhere((entry) => entry === opened);
      if (queued !== undefined) {
        if (slot >= 0) ring[slot] = HANDED_TO_LOG;
        return;
      }
      // A request that outlived `capacity` newer ones comes back as the newest.
      if (slot < 0) push(row);
      else ring[slot] = row;
    },
    get(id) {
      // The placeholder is nobody's record, even asked for by its own id.
      const slot = slotWhere((entry) => entry.id === id && entry !== HANDED_TO_LOG);
      const found = (slot < 0 ? undefined : ring[slot]) ?? queued?.(id);
      if (found === undefined || 'state' in found) return found;
      return { ...found, state: 'complete' };
    },
    capacity,
  };
}
