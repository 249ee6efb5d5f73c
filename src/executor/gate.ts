/**
 * A throttled gate in front of one target that can only take so many concurrent requests. Up to
 * `maxConcurrency` requests hold a permit; the rest wait in a bounded queue, highest priority class first
 * and FIFO within a class. A released permit is handed straight to the next waiter (the in-flight count
 * never dips), so a newcomer cannot barge ahead of requests already queued.
 *
 * Full queue: a newcomer of strictly higher priority than the lowest-priority waiter evicts the youngest
 * waiter of that class (it has waited least, so loses least) and takes its place; otherwise the newcomer
 * is rejected. Either way the loser gets `capacity_exhausted`, which lets the executor try the next target.
 *
 * `retryAfterMs` on those errors estimates when a slot may free: the moving average of permit hold times
 * scaled by the queue ahead, `ewma × (queued / maxConcurrency + 1)`. With no samples yet it is
 * `queueTimeoutMs`, the longest a queued request would have waited anyway. It is clamped to [1 s, 60 s]
 * because it becomes a whole-seconds Retry-After header.
 */

import { GatewayError, toGatewayError } from '../core/errors.ts';

export type PriorityClass = 'high' | 'normal' | 'low';

export interface GateSettings {
  readonly maxConcurrency: number;
  /** 0: no queue; when every slot is busy, reject at once. */
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
}

export interface Permit {
  /** Idempotent. Hands the slot to the next waiter, if any. */
  release(): void;
}

export interface GateSnapshot {
  inFlight: number;
  queued: number;
  queuedByPriority: Record<PriorityClass, number>;
  /** Turned away for a full queue, including waiters evicted by higher-priority newcomers. */
  rejected: number;
  timedOut: number;
}

export interface Gate {
  acquire(priority: PriorityClass, signal: AbortSignal): Promise<Permit>;
  readonly inFlight: number;
  readonly queued: number;
  snapshot(): GateSnapshot;
}

const RANK: Readonly<Record<PriorityClass, number>> = { high: 2, normal: 1, low: 0 };
const ADMISSION_ORDER: readonly PriorityClass[] = ['high', 'normal', 'low'];
const EVICTION_ORDER: readonly PriorityClass[] = ['low', 'normal', 'high'];
/** Weight of the newest hold-time sample: recent enough to follow load, smooth enough to ignore one outlier. */
const EWMA_ALPHA = 0.2;
const MIN_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 60_000;

interface Waiter {
  readonly priority: PriorityClass;
  readonly resolve: (permit: Permit) => void;
  readonly reject: (error: GatewayError) => void;
  readonly signal: AbortSignal;
  onAbort: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/** A doubly linked FIFO: O(1) push, shift, and removal from the middle (abort, timeout, eviction). */
class WaitQueue {
  head: Waiter | undefined;
  tail: Waiter | undefined;
  size = 0;

  push(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.size++;
  }

  remove(waiter: Waiter): void {
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.size--;
  }
}

export function createGate(settings: GateSettings, options: { now?: () => number } = {}): Gate {
  const { maxConcurrency, maxQueue, queueTimeoutMs } = settings;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new RangeError(`maxConcurrency must be an integer ≥ 1, got ${maxConcurrency}`);
  }
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    throw new RangeError(`maxQueue must be an integer ≥ 0, got ${maxQueue}`);
  }
  if (!Number.isFinite(queueTimeoutMs) || queueTimeoutMs < 0) {
    throw new RangeError(`queueTimeoutMs must be a finite number ≥ 0, got ${queueTimeoutMs}`);
  }
  const now = options.now ?? Date.now;
  const queues: Record<PriorityClass, WaitQueue> = {
    high: new WaitQueue(),
    normal: new WaitQueue(),
    low: new WaitQueue(),
  };
  let inFlight = 0;
  let queued = 0;
  let rejected = 0;
  let timedOut = 0;
  let holdEwma: number | undefined;

  const retryAfterMs = (): number => {
    const estimate = holdEwma === undefined ? queueTimeoutMs : holdEwma * (queued / maxConcurrency + 1);
    return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.round(estimate)));
  };
  const capacityError = (message: string): GatewayError =>
    new GatewayError('capacity_exhausted', message, { retryAfterMs: retryAfterMs() });

  /** Take a waiter out of the queue and detach its timer and abort listener. */
  const leave = (waiter: Waiter): void => {
    queues[waiter.priority].remove(waiter);
    queued--;
    clearTimeout(waiter.timer);
    waiter.signal.removeEventListener('abort', waiter.onAbort);
  };

  class GatePermit implements Permit {
    #released = false;
    readonly #since = now();

    release(): void {
      if (this.#released) return;
      this.#released = true;
      const held = Math.max(0, now() - this.#since);
      holdEwma = holdEwma === undefined ? held : holdEwma + EWMA_ALPHA * (held - holdEwma);
      for (const priority of ADMISSION_ORDER) {
        const next = queues[priority].head;
        if (next === undefined) continue;
        // The slot passes straight to the waiter; inFlight stays the same.
        leave(next);
        next.resolve(new GatePermit());
        return;
      }
      inFlight--;
    }
  }

  return {
    acquire(priority, signal) {
      if (signal.aborted) return Promise.reject(toGatewayError(signal.reason));
      // Slots are handed over on release, so a free slot implies an empty queue: no one to barge past.
      if (inFlight < maxConcurrency) {
        inFlight++;
        return Promise.resolve(new GatePermit());
      }
      if (queued >= maxQueue) {
        const victimClass = EVICTION_ORDER.find((p) => queues[p].size > 0);
        const victim = victimClass === undefined ? undefined : queues[victimClass].tail;
        if (victim === undefined || RANK[priority] <= RANK[victim.priority]) {
          rejected++;
          return Promise.reject(capacityError(`queue full: ${queued} waiting for ${maxConcurrency} slots`));
        }
        leave(victim);
        rejected++;
        victim.reject(
          capacityError(
            `evicted from the queue by a ${priority}-priority request; ${maxConcurrency} slots busy`,
          ),
        );
      }
      return new Promise<Permit>((resolve, reject) => {
        const waiter: Waiter = {
          priority,
          resolve,
          reject,
          signal,
          onAbort: () => {
            leave(waiter);
            reject(toGatewayError(signal.reason));
          },
          timer: undefined,
          prev: undefined,
          next: undefined,
        };
        waiter.timer = setTimeout(() => {
          leave(waiter);
          timedOut++;
          reject(
            capacityError(`waited ${queueTimeoutMs} ms in the queue for one of ${maxConcurrency} slots`),
          );
        }, queueTimeoutMs);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
        queues[priority].push(waiter);
        queued++;
      });
    },
    get inFlight() {
      return inFlight;
    },
    get queued() {
      return queued;
    },
    snapshot() {
      return {
        inFlight,
        queued,
        queuedByPriority: { high: queues.high.size, normal: queues.normal.size, low: queues.low.size },
        rejected,
        timedOut,
      };
    },
  };
}
