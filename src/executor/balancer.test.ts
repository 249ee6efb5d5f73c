import { describe, expect, it } from 'vitest';
import { type BalanceStrategy, type DeploymentCapacity, createBalancer } from './balancer.ts';

const START = 1_000_000_500; // half-way through second 1_000_000

function clock(start = START) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

/** A small seeded generator (a linear congruential one), so proportions are reproducible. */
function seeded(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function shares(
  strategy: BalanceStrategy,
  deployments: readonly DeploymentCapacity[],
  draws: number,
  setup?: (balancer: ReturnType<typeof createBalancer>) => void,
): Map<string, number> {
  const balancer = createBalancer(strategy, deployments, { now: clock().now, random: seeded() });
  setup?.(balancer);
  const counts = new Map<string, number>();
  for (let index = 0; index < draws; index++) {
    const id = balancer.choose({ tokens: 0 });
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('weighted', () => {
  it('draw in proportion to weight', () => {
    const counts = shares(
      'weighted',
      [
        { id: 'a', weight: 3 },
        { id: 'b', weight: 1 },
      ],
      4000,
    );
    expect((counts.get('a') ?? 0) / 4000).toBeGreaterThan(0.72);
    expect((counts.get('a') ?? 0) / 4000).toBeLessThan(0.78);
  });

  it('never choose a deployment of weight 0, even alone', () => {
    const counts = shares(
      'weighted',
      [
        { id: 'a', weight: 1 },
        { id: 'drained', weight: 0 },
      ],
      500,
    );
    expect(counts.get('drained')).toBeUndefined();
    const alone = createBalancer('weighted', [{ id: 'drained', weight: 0 }]);
    expect(alone.choose({ tokens: 0 })).toBeUndefined();
    expect(alone.retryAfterMs(0)).toBeUndefined();
  });

  it('skip excluded deployments, and give nothing when all are excluded', () => {
    const balancer = createBalancer('weighted', [
      { id: 'a', weight: 100 },
      { id: 'b', weight: 1 },
    ]);
    for (let index = 0; index < 50; index++)
      expect(balancer.choose({ exclude: (id) => id === 'a', tokens: 0 })).toBe('b');
    expect(balancer.choose({ exclude: () => true, tokens: 0 })).toBeUndefined();
    expect(balancer.retryAfterMs(0, () => true)).toBeUndefined(); // not a capacity problem
  });

  it('reject invalid configuration', () => {
    expect(() => createBalancer('weighted', [{ id: 'a', weight: -1 }])).toThrow(RangeError);
    expect(() => createBalancer('weighted', [{ id: 'a', weight: 1, rpm: 0 }])).toThrow(RangeError);
    expect(() =>
      createBalancer('weighted', [
        { id: 'a', weight: 1 },
        { id: 'a', weight: 1 },
      ]),
    ).toThrow(/duplicate/);
    expect(() => createBalancer('weighted', [], { ewmaHalfLifeMs: 0 })).toThrow(RangeError);
    expect(() => createBalancer('weighted', []).start('nope', 0)).toThrow(/unknown/);
  });
});

describe('least-in-flight', () => {
  it('pick the idle deployment', () => {
    const balancer = createBalancer('least-in-flight', [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ]);
    balancer.start('a', 0);
    for (let index = 0; index < 20; index++) expect(balancer.choose({ tokens: 0 })).toBe('b');
  });

  it('measure load relative to weight, and release it when calls end', () => {
    const balancer = createBalancer('least-in-flight', [
      { id: 'big', weight: 4 },
      { id: 'small', weight: 1 },
    ]);
    const calls = [balancer.start('big', 0), balancer.start('big', 0), balancer.start('small', 0)];
    expect(balancer.choose({ tokens: 0 })).toBe('big'); // 2/4 < 1/1
    balancer.start('big', 0);
    balancer.start('big', 0);
    balancer.start('big', 0);
    expect(balancer.choose({ tokens: 0 })).toBe('small'); // 5/4 > 1/1
    calls[2]?.end({ ok: true });
    expect(balancer.snapshot().find((load) => load.id === 'small')?.inFlight).toBe(0);
  });

  it('break ties by weight', () => {
    const counts = shares(
      'least-in-flight',
      [
        { id: 'a', weight: 1 },
        { id: 'b', weight: 1 },
      ],
      2000,
    );
    expect((counts.get('a') ?? 0) / 2000).toBeGreaterThan(0.45);
    expect((counts.get('a') ?? 0) / 2000).toBeLessThan(0.55);
  });
});

describe('latency (power of two choices)', () => {
  const THREE = [
    { id: 'fast', weight: 1 },
    { id: 'slow', weight: 1 },
    { id: 'new', weight: 1 },
  ];

  it('prefer the faster deployment once samples exist', () => {
    const time = clock();
    const balancer = createBalancer('latency', THREE.slice(0, 2), { now: time.now, random: seeded() });
    balancer.start('fast', 0).end({ ok: true, latencyMs: 100 });
    balancer.start('slow', 0).end({ ok: true, latencyMs: 400 });
    for (let index = 0; index < 50; index++) expect(balancer.choose({ tokens: 0 })).toBe('fast');
    // Until enough of its calls are in flight: 100 × 5 > 400 × 1.
    for (let index = 0; index < 4; index++) balancer.start('fast', 0);
    expect(balancer.choose({ tokens: 0 })).toBe('slow');
  });

  it('explore an unmeasured deployment, but send it one call until it answers', () => {
    const time = clock();
    const balancer = createBalancer('latency', THREE, { now: time.now, random: seeded() });
    balancer.start('fast', 0).end({ ok: true, latencyMs: 100 });
    balancer.start('slow', 0).end({ ok: true, latencyMs: 400 });
    const picks = new Set<string>();
    for (let index = 0; index < 20; index++) picks.add(balancer.choose({ tokens: 0 }) ?? '');
    expect(picks.has('new')).toBe(true);
    const probe = balancer.start('new', 0);
    for (let index = 0; index < 50; index++) expect(balancer.choose({ tokens: 0 })).not.toBe('new');
    probe.end({ ok: true, latencyMs: 50 });
    const counts = new Map<string, number>();
    for (let index = 0; index < 300; index++) {
      const id = balancer.choose({ tokens: 0 }) ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.get('slow')).toBeUndefined(); // always paired with a faster one
    expect(counts.get('new') ?? 0).toBeGreaterThan(counts.get('fast') ?? 0);
  });

  it('weigh recent samples more, with the configured half-life', () => {
    const time = clock();
    const balancer = createBalancer('latency', [{ id: 'a', weight: 1 }], {
      now: time.now,
      ewmaHalfLifeMs: 1000,
    });
    balancer.start('a', 0).end({ ok: true, latencyMs: 100 });
    time.advance(1000);
    balancer.start('a', 0).end({ ok: true, latencyMs: 400 });
    // (100 × ½ + 400) / (½ + 1)
    expect(balancer.snapshot()[0]?.ewmaLatencyMs).toBeCloseTo(300, 6);
  });

  it('send fewer calls to a deployment that fails, and none to one that fails fast', () => {
    const time = clock();
    const balancer = createBalancer(
      'latency',
      [
        { id: 'flaky', weight: 1 },
        { id: 'steady', weight: 1 },
        { id: 'other', weight: 1 },
      ],
      { now: time.now, random: seeded() },
    );
    for (let index = 0; index < 10; index++) {
      balancer.start('flaky', 0).end({ ok: index % 2 === 0, latencyMs: index % 2 === 0 ? 100 : 2 });
      balancer.start('steady', 0).end({ ok: true, latencyMs: 150 });
      balancer.start('other', 0).end({ ok: true, latencyMs: 150 });
    }
    const flaky = balancer.snapshot()[0];
    expect(flaky?.ewmaLatencyMs).toBeCloseTo(100, 6); // the fast failures are not averaged in
    expect(flaky?.successRate).toBeGreaterThan(0.4);
    expect(flaky?.successRate).toBeLessThan(0.6);
    const counts = new Map<string, number>();
    for (let index = 0; index < 600; index++) {
      const id = balancer.choose({ tokens: 0 }) ?? '';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // 100 / ~½ ≈ 200 > 150: flaky loses every pairing.
    expect(counts.get('flaky')).toBeUndefined();
  });

  it('still use a deployment whose only call failed once the others are loaded', () => {
    const time = clock();
    const balancer = createBalancer(
      'latency',
      [
        { id: 'unlucky', weight: 1 },
        { id: 'busy', weight: 1 },
      ],
      { now: time.now, random: seeded() },
    );
    balancer.start('unlucky', 0).end({ ok: false, latencyMs: 5 });
    balancer.start('busy', 0).end({ ok: true, latencyMs: 100 });
    // unlucky: the slowest known latency (100) / (0 + 1) / (1 + 1) = 200 against busy's 100 × (in flight + 1).
    expect(balancer.choose({ tokens: 0 })).toBe('busy');
    balancer.start('busy', 0);
    balancer.start('busy', 0);
    expect(balancer.choose({ tokens: 0 })).toBe('unlucky');
  });

  it('forget a shunned deployment after 3 half-lives and probe it again', () => {
    const time = clock();
    const balancer = createBalancer(
      'latency',
      [
        { id: 'dead', weight: 1 },
        { id: 'live', weight: 1 },
      ],
      { now: time.now, random: seeded(), ewmaHalfLifeMs: 10_000 },
    );
    balancer.start('dead', 0).end({ ok: false });
    expect(balancer.snapshot()[0]?.successRate).toBe(0);
    for (let second = 1; second <= 30; second++) {
      time.advance(1000);
      expect(balancer.choose({ tokens: 0 })).toBe('live');
      balancer.start('live', 0).end({ ok: true, latencyMs: 200 });
    }
    time.advance(1);
    expect(balancer.snapshot()[0]?.successRate).toBeUndefined();
    expect(balancer.snapshot()[1]?.ewmaLatencyMs).toBe(200);
    expect(balancer.choose({ tokens: 0 })).toBe('dead'); // unmeasured and idle: scores 0
  });

  it('choose the only eligible deployment', () => {
    const balancer = createBalancer('latency', [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
    ]);
    balancer.start('a', 0).end({ ok: false });
    expect(balancer.choose({ exclude: (id) => id === 'b', tokens: 0 })).toBe('a');
  });
});

describe('rpm and tpm', () => {
  it('exclude a deployment at its rpm until the minute slides', () => {
    const time = clock();
    const balancer = createBalancer('weighted', [{ id: 'a', weight: 1, rpm: 2 }], { now: time.now });
    balancer.start('a', 0).end({ ok: true });
    time.advance(10_000);
    balancer.start('a', 0);
    expect(balancer.choose({ tokens: 0 })).toBeUndefined();
    // The first request (second 1_000_000) leaves the window when second 1_000_060 begins.
    expect(balancer.retryAfterMs(0)).toBe(49_500);
    time.advance(49_499);
    expect(balancer.choose({ tokens: 0 })).toBeUndefined();
    time.advance(1);
    expect(balancer.choose({ tokens: 0 })).toBe('a');
    expect(balancer.retryAfterMs(0)).toBeUndefined();
    expect(balancer.snapshot()[0]?.requestsLastMinute).toBe(1);
  });

  it('fall over to a deployment with room, and wait for the earliest when none has', () => {
    const time = clock();
    const balancer = createBalancer(
      'weighted',
      [
        { id: 'a', weight: 100, rpm: 1 },
        { id: 'b', weight: 1, rpm: 1 },
      ],
      { now: time.now },
    );
    balancer.start('a', 0);
    for (let index = 0; index < 20; index++) expect(balancer.choose({ tokens: 0 })).toBe('b');
    expect(balancer.retryAfterMs(0)).toBeUndefined();
    time.advance(5_000);
    balancer.start('b', 0);
    expect(balancer.choose({ tokens: 0 })).toBeUndefined();
    expect(balancer.retryAfterMs(0)).toBe(54_500); // a frees up first
    expect(balancer.retryAfterMs(0, (id) => id === 'a')).toBe(59_500);
  });

  it('count tokens against tpm, the actual ones replacing the estimate', () => {
    const time = clock();
    const balancer = createBalancer('weighted', [{ id: 'a', weight: 1, tpm: 1000 }], { now: time.now });
    const call = balancer.start('a', 800);
    expect(balancer.choose({ tokens: 200 })).toBe('a');
    expect(balancer.choose({ tokens: 300 })).toBeUndefined();
    expect(balancer.retryAfterMs(300)).toBe(59_500);
    time.advance(2_000);
    call.end({ ok: true, latencyMs: 100, tokens: 500 });
    expect(balancer.snapshot()[0]?.tokensLastMinute).toBe(500);
    expect(balancer.choose({ tokens: 500 })).toBe('a');
    expect(balancer.choose({ tokens: 501 })).toBeUndefined();
  });

  it('let a request larger than the whole tpm run once the window is empty', () => {
    const time = clock();
    const balancer = createBalancer('weighted', [{ id: 'a', weight: 1, tpm: 1000 }], { now: time.now });
    expect(balancer.choose({ tokens: 5000 })).toBe('a');
    balancer.start('a', 5000).end({ ok: true, tokens: 4000 });
    expect(balancer.choose({ tokens: 5000 })).toBeUndefined();
    expect(balancer.choose({ tokens: 1 })).toBeUndefined();
    time.advance(59_500);
    expect(balancer.choose({ tokens: 5000 })).toBe('a');
  });

  it('count the usage of a call that outlasted the window when it ends', () => {
    const time = clock();
    const balancer = createBalancer('weighted', [{ id: 'a', weight: 1, tpm: 1000 }], { now: time.now });
    const call = balancer.start('a', 100);
    time.advance(90_000);
    expect(balancer.snapshot()[0]?.tokensLastMinute).toBe(0);
    call.end({ ok: true, tokens: 900 });
    expect(balancer.snapshot()[0]).toMatchObject({ tokensLastMinute: 900, requestsLastMinute: 0 });
  });
});

describe('calls', () => {
  it('end only once', () => {
    const time = clock();
    const balancer = createBalancer('latency', [{ id: 'a', weight: 1, tpm: 10_000 }], { now: time.now });
    balancer.start('a', 0);
    const call = balancer.start('a', 1000);
    call.end({ ok: false, tokens: 300 });
    call.end({ ok: true, latencyMs: 50, tokens: 9000 });
    expect(balancer.snapshot()[0]).toEqual({
      id: 'a',
      weight: 1,
      inFlight: 1,
      ewmaLatencyMs: undefined,
      successRate: 0,
      requestsLastMinute: 2,
      tokensLastMinute: 300,
    });
  });

  it('leave the estimate when the actual usage is unknown, and ok without latency neutral', () => {
    const balancer = createBalancer('latency', [{ id: 'a', weight: 1 }]);
    balancer.start('a', 700).end({ ok: true });
    expect(balancer.snapshot()[0]).toMatchObject({
      tokensLastMinute: 700,
      successRate: undefined,
      inFlight: 0,
    });
  });
});
