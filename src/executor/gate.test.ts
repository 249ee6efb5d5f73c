import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import { createGate, type GateSettings, type Permit, type PriorityClass } from './gate.ts';

const SETTINGS: GateSettings = { maxConcurrency: 1, maxQueue: 16, queueTimeoutMs: 10_000 };
const never = new AbortController().signal;

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

/** Observe a promise's outcome without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { value, settled: true }),
    (error: unknown) => Object.assign(state, { error, settled: true }),
  );
  return state;
}

async function flush(): Promise<void> {
  for (let index = 0; index < 5; index++) await Promise.resolve();
}

function expectCapacityError(error: unknown, message: string | RegExp): GatewayError {
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.code).toBe('capacity_exhausted');
  expect(gatewayError.message).toMatch(message);
  const retryAfterMs = gatewayError.details.retryAfterMs!;
  expect(retryAfterMs).toBeGreaterThanOrEqual(1_000);
  expect(retryAfterMs).toBeLessThanOrEqual(60_000);
  return gatewayError;
}

/** A seeded generator, so a failing interleaving can be replayed. */
function mulberry(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('throttled gate', () => {
  it('admit at once while a slot is free, without starting a timer', async () => {
    vi.useFakeTimers();
    const gate = createGate({ ...SETTINGS, maxConcurrency: 2 });
    const first = track(gate.acquire('normal', never));
    const second = track(gate.acquire('low', never));
    await flush();
    expect(first.settled && second.settled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(gate.inFlight).toBe(2);
    expect(gate.queued).toBe(0);
  });

  it('never exceed maxConcurrency under 200 concurrent acquires with random hold times', async () => {
    const random = mulberry(42);
    const gate = createGate({ maxConcurrency: 4, maxQueue: 200, queueTimeoutMs: 20_000 });
    const priorities: PriorityClass[] = ['high', 'normal', 'low'];
    let active = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      const permit = await gate.acquire(priorities[Math.floor(random() * 3)]!, never);
      active++;
      peak = Math.max(peak, active);
      expect(gate.inFlight).toBeLessThanOrEqual(4);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
      active--;
      permit.release();
      permit.release();
    };
    await Promise.all(Array.from({ length: 200 }, task));
    expect(peak).toBe(4);
    expect(gate.snapshot()).toMatchObject({ inFlight: 0, queued: 0, rejected: 0, timedOut: 0 });
  });

  it('admit FIFO within a class, and high before normal before low', async () => {
    const gate = createGate(SETTINGS);
    const admitted: { label: string; permit: Permit }[] = [];
    const enqueue = (priority: PriorityClass, label: string) =>
      track(gate.acquire(priority, never).then((permit) => admitted.push({ label, permit })));
    let permit = await gate.acquire('normal', never);
    enqueue('low', 'low-1');
    enqueue('normal', 'normal-1');
    enqueue('high', 'high-1');
    enqueue('low', 'low-2');
    enqueue('normal', 'normal-2');
    enqueue('high', 'high-2');
    expect(gate.snapshot().queuedByPriority).toEqual({ high: 2, normal: 2, low: 2 });
    for (let round = 1; round <= 6; round++) {
      permit.release();
      await flush();
      // One admitted per release: the slot passes on, it is never doubled.
      expect(admitted).toHaveLength(round);
      expect(gate.snapshot()).toMatchObject({ inFlight: 1, queued: 6 - round });
      permit = admitted.at(-1)!.permit;
    }
    expect(admitted.map((a) => a.label)).toEqual([
      'high-1',
      'high-2',
      'normal-1',
      'normal-2',
      'low-1',
      'low-2',
    ]);
    permit.release();
    expect(gate.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('hand a released slot to a queued waiter, not to a newcomer', async () => {
    const gate = createGate(SETTINGS);
    const holder = await gate.acquire('normal', never);
    const queued = track(gate.acquire('low', never));
    holder.release();
    const newcomer = track(gate.acquire('high', never));
    await flush();
    expect(queued.settled).toBe(true);
    expect(newcomer.settled).toBe(false);
    expect(gate.snapshot()).toMatchObject({ inFlight: 1, queued: 1 });
  });

  it('reject a newcomer when the queue is full and it outranks no one', async () => {
    const gate = createGate({ maxConcurrency: 1, maxQueue: 2, queueTimeoutMs: 2_000 });
    await gate.acquire('normal', never);
    track(gate.acquire('normal', never));
    track(gate.acquire('normal', never));
    const error = await gate.acquire('normal', never).catch((e: unknown) => e);
    expectCapacityError(error, 'queue full: 2 waiting for 1 slots');
    await expect(gate.acquire('low', never)).rejects.toMatchObject({ code: 'capacity_exhausted' });
    expect(gate.snapshot()).toMatchObject({ inFlight: 1, queued: 2, rejected: 2 });
  });

  it('with maxQueue 0, reject at once when every slot is busy', async () => {
    const gate = createGate({ maxConcurrency: 2, maxQueue: 0, queueTimeoutMs: 2_000 });
    await gate.acquire('low', never);
    await gate.acquire('low', never);
    const error = await gate.acquire('high', never).catch((e: unknown) => e);
    expectCapacityError(error, 'queue full: 0 waiting for 2 slots');
    expect(gate.snapshot()).toMatchObject({ inFlight: 2, queued: 0, rejected: 1 });
  });

  it('evict the youngest lowest-priority waiter for a higher-priority newcomer', async () => {
    const gate = createGate({ maxConcurrency: 1, maxQueue: 2, queueTimeoutMs: 2_000 });
    const holder = await gate.acquire('normal', never);
    const oldLow = track(gate.acquire('low', never));
    const youngLow = track(gate.acquire('low', never));
    const high = track(gate.acquire('high', never));
    await flush();
    expectCapacityError(youngLow.error, /evicted.*high-priority/);
    expect(oldLow.settled).toBe(false);
    expect(gate.snapshot()).toMatchObject({
      queued: 2,
      queuedByPriority: { high: 1, normal: 0, low: 1 },
      rejected: 1,
    });
    holder.release();
    await flush();
    expect(high.value).toBeDefined();
    expect(oldLow.settled).toBe(false);
    high.value!.release();
    await flush();
    expect(oldLow.value).toBeDefined();
  });

  it('time a waiter out after queueTimeoutMs, and clear the timer of one admitted in time', async () => {
    vi.useFakeTimers();
    const gate = createGate({ maxConcurrency: 1, maxQueue: 4, queueTimeoutMs: 2_000 });
    const holder = await gate.acquire('normal', never);
    const late = track(gate.acquire('normal', never));
    await vi.advanceTimersByTimeAsync(1_000);
    const admitted = track(gate.acquire('high', never));
    await vi.advanceTimersByTimeAsync(999);
    expect(late.settled).toBe(false);
    holder.release(); // goes to the high waiter
    await vi.advanceTimersByTimeAsync(1);
    expect(admitted.value).toBeDefined();
    expectCapacityError(late.error, 'waited 2000 ms in the queue');
    expect(vi.getTimerCount()).toBe(0);
    expect(gate.snapshot()).toMatchObject({ inFlight: 1, queued: 0, timedOut: 1, rejected: 0 });
  });

  it('on abort, free the place and reject with the signal’s reason', async () => {
    const gate = createGate({ maxConcurrency: 1, maxQueue: 1, queueTimeoutMs: 2_000 });
    const holder = await gate.acquire('normal', never);
    const controller = new AbortController();
    const aborted = gate.acquire('high', controller.signal);
    const reason = new GatewayError('client_closed_request', 'client went away');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(gate.queued).toBe(0);
    // The place is free again: a low newcomer queues instead of being rejected.
    const next = track(gate.acquire('low', never));
    holder.release();
    await flush();
    expect(next.value).toBeDefined();

    const plain = new AbortController();
    const wrapped = gate.acquire('normal', plain.signal);
    plain.abort(new Error('gone'));
    await expect(wrapped).rejects.toMatchObject({ code: 'internal_error', message: 'gone' });
  });

  it('ignore an abort that comes after the waiter was admitted', async () => {
    const gate = createGate(SETTINGS);
    const holder = await gate.acquire('normal', never);
    const controller = new AbortController();
    const admitted = track(gate.acquire('high', controller.signal));
    const behind = track(gate.acquire('low', never));
    holder.release();
    await flush();
    controller.abort(new Error('after admission'));
    await flush();
    expect(admitted.value).toBeDefined();
    expect(behind.settled).toBe(false);
    expect(gate.snapshot()).toMatchObject({ inFlight: 1, queued: 1, queuedByPriority: { low: 1 } });
    admitted.value!.release();
    await flush();
    expect(behind.value).toBeDefined();
  });

  it('reject at once on an already aborted signal, without taking a free slot', async () => {
    const gate = createGate(SETTINGS);
    const reason = new GatewayError('deadline_exceeded', 'too late');
    await expect(gate.acquire('high', AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(gate.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('treat a double release, or a release after abort, as one release', async () => {
    const gate = createGate({ ...SETTINGS, maxConcurrency: 2 });
    const controller = new AbortController();
    const first = await gate.acquire('normal', controller.signal);
    const second = await gate.acquire('normal', never);
    const waiters = [track(gate.acquire('normal', never)), track(gate.acquire('normal', never))];
    controller.abort(new Error('late abort'));
    first.release();
    first.release();
    await flush();
    expect(waiters.map((w) => w.settled)).toEqual([true, false]);
    expect(gate.snapshot()).toMatchObject({ inFlight: 2, queued: 1 });
    second.release();
    waiters[0]!.value!.release();
    await flush();
    waiters[1]!.value!.release();
    waiters[1]!.value!.release();
    expect(gate.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
    // The slots are all still there.
    await gate.acquire('low', never);
    await gate.acquire('low', never);
    expect(gate.inFlight).toBe(2);
  });

  it('estimate retryAfterMs from hold times and the queue ahead, clamped to [1 s, 60 s]', async () => {
    const time = clock();
    const gate = createGate({ maxConcurrency: 1, maxQueue: 1, queueTimeoutMs: 5_000 }, time);
    const retryAfter = async (): Promise<number | undefined> => {
      const error = await gate.acquire('low', never).catch((e: unknown) => e);
      return (error as GatewayError).details.retryAfterMs;
    };
    const holder = await gate.acquire('normal', never);
    void gate.acquire('normal', never).then((permit) => permit.release());
    expect(await retryAfter()).toBe(5_000); // no samples yet: queueTimeoutMs
    time.advance(3_000);
    holder.release(); // sample 3000 ms, hands over to the queued waiter, which releases at once (0 ms)
    await flush();
    // ewma = 3000 + 0.2 × (0 − 3000) = 2400
    const second = await gate.acquire('normal', never);
    track(gate.acquire('normal', never));
    expect(await retryAfter()).toBe(2_400 * (1 / 1 + 1));
    time.advance(1_000_000);
    second.release(); // ewma ≈ 200 000 ms; the queued waiter takes the slot
    track(gate.acquire('normal', never));
    expect(await retryAfter()).toBe(60_000);
  });

  it('never advise retrying sooner than one second', async () => {
    const time = clock();
    const gate = createGate({ maxConcurrency: 1, maxQueue: 0, queueTimeoutMs: 100 }, time);
    const quick = await gate.acquire('normal', never);
    time.advance(10);
    quick.release();
    await gate.acquire('normal', never);
    const error = await gate.acquire('high', never).catch((e: unknown) => e);
    expect((error as GatewayError).details.retryAfterMs).toBe(1_000);
  });

  it('reject impossible settings', () => {
    expect(() => createGate({ ...SETTINGS, maxConcurrency: 0 })).toThrow(RangeError);
    expect(() => createGate({ ...SETTINGS, maxQueue: -1 })).toThrow(RangeError);
    expect(() => createGate({ ...SETTINGS, queueTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});
