import { renderStatsTable } from './stats-table.ts';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.ts';
import type { StatsRow } from './request-log/row.ts';
import {
  computeStats,
  formatWindow,
  MAX_STATS_WINDOW_MS,
  parseStatsQuery,
  queryStats,
  type StatsGroup,
} from './stats.ts';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

function row(overrides: Partial<StatsRow> = {}): StatsRow {
  return {
    receivedAt: NOW - 1_000,
    route: 'chat',
    servedModel: 'gpt-x',
    provider: 'openai',
    tenant: 'acme',
    outcome: 'ok',
    fallback: false,
    totalMs: 100,
    ttftMs: null,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    ...overrides,
  };
}

/** mulberry32: a small seeded generator, so the distributions are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The exact quantile by HDR's definition: the smallest value with at least p% of values at or below. */
function exactQuantile(sorted: readonly number[], percentile: number): number {
  return sorted[Math.max(1, Math.ceil((percentile / 100) * sorted.length)) - 1]!;
}

/**
 * HDR at 3 significant digits puts a value at most 1/1024 below the top of its bucket; reporting 3
 * significant digits then rounds by at most half a unit of the third digit.
 */
function expectWithinHdrPrecision(actual: number, exact: number): void {
  const halfUnitOfThirdDigit = 0.5 * 10 ** (Math.floor(Math.log10(exact)) - 2);
  expect(Math.abs(actual - exact)).toBeLessThanOrEqual(exact / 1024 + halfUnitOfThirdDigit + 0.001);
}

function checkPercentiles(latencies: readonly number[]): StatsGroup {
  const rows = latencies.map((totalMs, index) =>
    row({ totalMs, ttftMs: totalMs / 2, route: `r${index % 3}` }),
  );
  const { total } = computeStats(rows, 'route');
  const sorted = [...latencies].sort((a, b) => a - b);
  expect(total.count).toBe(latencies.length);
  for (const p of [50, 95, 99] as const) {
    expectWithinHdrPrecision(total.latencyMs![`p${p}`], exactQuantile(sorted, p));
    expectWithinHdrPrecision(total.ttftMs![`p${p}`], exactQuantile(sorted, p) / 2);
  }
  expectWithinHdrPrecision(total.latencyMs!.max, sorted.at(-1)!);
  return total;
}

describe('computeStats percentiles', () => {
  it('match the exact quantiles of a seeded log-normal distribution within HDR precision', () => {
    const random = seeded(42);
    // Box-Muller; median e^6 ≈ 403 ms, a long right tail as real latencies have.
    const latencies = Array.from({ length: 10_000 }, () => {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.exp(6 + 0.8 * normal);
    });
    const total = checkPercentiles(latencies);
    expect(total.latencyMs!.p50).toBeGreaterThan(300);
    expect(total.latencyMs!.p99).toBeGreaterThan(total.latencyMs!.p95);
  });

  it('match the exact quantiles of a uniform 1..1000 ms distribution', () => {
    const random = seeded(7);
    const total = checkPercentiles(Array.from({ length: 10_000 }, () => 1 + 999 * random()));
    expect(total.latencyMs!.p50).toBeGreaterThan(450);
    expect(total.latencyMs!.p50).toBeLessThan(550);
  });

  it('keeps sub-millisecond precision and reports 3 significant digits', () => {
    const { total } = computeStats([row({ totalMs: 0.2468 }), row({ totalMs: 0.2468 })], 'none');
    expect(total.latencyMs).toEqual({ p50: 0.247, p95: 0.247, p99: 0.247, max: 0.247 });
    const big = computeStats([row({ totalMs: 123_456.7 })], 'none').total;
    expect(big.latencyMs!.p50).toBe(123_000);
  });

  it('never reports a percentile above the largest value seen', () => {
    const { total } = computeStats([row({ totalMs: 1_234.4 })], 'none');
    expect(total.latencyMs!.p99).toBeLessThanOrEqual(total.latencyMs!.max);
    expect(total.latencyMs!.max).toBe(1_230);
  });
});

describe('computeStats groups', () => {
  const rows: StatsRow[] = [
    row({ route: 'chat', outcome: 'ok', costUsd: 0.01 }),
    row({
      route: 'chat',
      outcome: 'upstream_timeout',
      costUsd: 0.002,
      inputTokens: null,
      outputTokens: null,
    }),
    row({ route: 'chat', outcome: 'ok', fallback: true, costUsd: 0.008, ttftMs: 40 }),
    row({ route: 'chat', outcome: 'ok', costUsd: 0 }),
    row({ route: 'code', outcome: 'ok', costUsd: 0.05, servedModel: 'claude', provider: 'anthropic' }),
    row({ route: 'code', outcome: 'ok', costUsd: 0.05, servedModel: 'claude', provider: 'anthropic' }),
    row({
      route: null,
      servedModel: null,
      provider: null,
      tenant: null,
      outcome: 'invalid_request',
      costUsd: 0,
    }),
  ];

  it('counts errors (outcome not ok), fallbacks, tokens and cost per successful request', () => {
    const { groups, total } = computeStats(rows, 'route');
    expect(groups.map((g) => [g.key, g.count])).toEqual([
      ['chat', 4],
      ['code', 2],
      ['(none)', 1],
    ]);
    const chat = groups[0]!;
    expect(chat.errors).toBe(1);
    expect(chat.errorRate).toBe(0.25);
    expect(chat.fallbackRate).toBe(0.25);
    expect(chat.inputTokens).toBe(30);
    expect(chat.outputTokens).toBe(60);
    expect(chat.costUsd).toBe(0.02);
    // All the group's spend (the failed request's too) over its 3 successes.
    expect(chat.costPerSuccessUsd).toBeCloseTo(0.02 / 3, 9);
    expect(groups[2]!.costPerSuccessUsd).toBeNull();
    expect(groups[2]!.errorRate).toBe(1);

    expect(total.key).toBe('(total)');
    expect(total.count).toBe(7);
    expect(total.errors).toBe(2);
    expect(total.costUsd).toBe(0.12);
    expect(total.costPerSuccessUsd).toBeCloseTo(0.12 / 5, 9);
  });

  it('reports ttft only for groups where some request has one', () => {
    const { groups, total } = computeStats(rows, 'route');
    expect(groups[0]!.ttftMs).toEqual({ p50: 40, p95: 40, p99: 40 });
    expect(groups[1]!.ttftMs).toBeNull();
    expect(total.ttftMs).toEqual({ p50: 40, p95: 40, p99: 40 });
    expect(computeStats([row(), row()], 'none').total.ttftMs).toBeNull();
  });

  it('groups by model, provider and tenant, with (none) for missing values', () => {
    expect(computeStats(rows, 'model').groups.map((g) => g.key)).toEqual(['gpt-x', 'claude', '(none)']);
    expect(computeStats(rows, 'provider').groups.map((g) => g.key)).toEqual([
      'openai',
      'anthropic',
      '(none)',
    ]);
    expect(computeStats(rows, 'tenant').groups.map((g) => [g.key, g.count])).toEqual([
      ['acme', 6],
      ['(none)', 1],
    ]);
  });

  it('returns the total only when not grouped, and an empty total for no rows', () => {
    const whole = computeStats(rows, 'none');
    expect(whole.groups).toEqual([]);
    expect(whole.total.count).toBe(7);
    const empty = computeStats([], 'route');
    expect(empty.groups).toEqual([]);
    expect(empty.total).toMatchObject({ count: 0, errorRate: 0, latencyMs: null, ttftMs: null });
    expect(empty.total.costPerSuccessUsd).toBeNull();
  });

  it('folds the smallest groups into (other) beyond maxGroups', () => {
    const many = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e'].map((tenant) => row({ tenant }));
    const { groups, total, otherGroups } = computeStats(many, 'tenant', { maxGroups: 3 });
    expect(groups.map((g) => [g.key, g.count])).toEqual([
      ['a', 3],
      ['b', 2],
      ['(other)', 3],
    ]);
    expect(otherGroups).toBe(3);
    expect(total.count).toBe(8);
  });

  it('aggregates 200,000 rows quickly', () => {
    const random = seeded(1);
    const big = Array.from({ length: 200_000 }, (_, index) =>
      row({ route: `route-${index % 20}`, totalMs: 50 + 2_000 * random(), ttftMs: index % 2 ? 30 : null }),
    );
    const started = performance.now();
    const { groups, total } = computeStats(big, 'route');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(groups).toHaveLength(20);
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(200_000);
    expect(total.count).toBe(200_000);
  });
});

describe('parseStatsQuery', () => {
  it('defaults to the last hour, ungrouped', () => {
    expect(parseStatsQuery({}, NOW)).toEqual({
      since: NOW - 3_600_000,
      until: NOW,
      window: '1h',
      groupBy: 'none',
    });
  });

  it('reads windows in seconds, minutes, hours and days, and the grouping', () => {
    for (const [window, ms] of [
      ['30s', 30_000],
      ['15m', 900_000],
      ['24h', 86_400_000],
      ['7d', 604_800_000],
      ['30d', MAX_STATS_WINDOW_MS],
    ] as const) {
      const query = parseStatsQuery({ window, group_by: 'model' }, NOW);
      expect(query).toEqual({ since: NOW - ms, until: NOW, window, groupBy: 'model' });
    }
  });

  it('takes since and until as ISO times or epoch milliseconds', () => {
    const query = parseStatsQuery({ since: '2025-06-01T10:30:00Z', until: String(NOW) }, NOW + 5_000);
    expect(query).toEqual({ since: NOW - 5_400_000, until: NOW, window: '90m', groupBy: 'none' });
    expect(formatWindow(1_500)).toBe('2s');
  });

  function errorOf(params: Record<string, unknown>): GatewayError {
    try {
      parseStatsQuery(params, NOW);
    } catch (error) {
      if (error instanceof GatewayError) return error;
      throw error;
    }
    throw new Error('expected parseStatsQuery to throw');
  }

  it.each([
    [{ window: '1x' }, 'window', /'window' must be a duration like 30s.*got '1x'/],
    [{ window: '0m' }, 'window', /'window' must be a duration/],
    [{ window: '-1h' }, 'window', /got '-1h'/],
    [{ window: '31d' }, 'window', /at most 30d; got '31d'/],
    [{ window: ['1h', '2h'] }, 'window', /'window' must be given once/],
    [{ window: '1h', since: '2025-06-01T11:00:00Z' }, 'window', /either 'window' or 'since'/],
    [
      { group_by: 'region' },
      'group_by',
      /'group_by' must be one of none, route, model, provider, tenant; got 'region'/,
    ],
    [{ since: 'yesterday' }, 'since', /'since' must be an ISO 8601 time/],
    [{ since: String(NOW + 1) }, 'since', /'since' must be before 'until'/],
    [{ since: String(NOW - MAX_STATS_WINDOW_MS - 1) }, 'since', /at most 30d/],
    [{ until: 'soon' }, 'until', /'until' must be an ISO 8601 time/],
    [{ groupby: 'route' }, 'groupby', /Unknown query parameter 'groupby'/],
  ])('rejects %j naming %s', (params, param, message) => {
    const error = errorOf(params);
    expect(error.code).toBe('invalid_request');
    expect(error.details.param).toBe(param);
    expect(error.message).toMatch(message);
  });
});

describe('queryStats and renderStatsTable', () => {
  it('reads the window from the store and answers with the query and the stats', async () => {
    const seen: { since: number; until?: number }[] = [];
    const store = {
      statsRows: async (query: { since: number; until?: number }) => {
        seen.push(query);
        return [row({ totalMs: 120, ttftMs: 30 }), row({ route: 'code', outcome: 'upstream_timeout' })];
      },
    };
    const response = await queryStats(store, { window: '15m', group_by: 'route' }, NOW);
    expect(seen).toEqual([{ since: NOW - 900_000, until: NOW }]);
    expect(response).toMatchObject({
      window: '15m',
      since: '2025-06-01T11:45:00.000Z',
      until: '2025-06-01T12:00:00.000Z',
      groupBy: 'route',
      otherGroups: 0,
    });
    expect(response.groups.map((g) => g.key)).toEqual(['chat', 'code']);
  });

  it('rejects a bad query before reading, and answers 404 without a request log', async () => {
    await expect(queryStats(undefined, { window: '2y' }, NOW)).rejects.toMatchObject({
      code: 'invalid_request',
      details: { param: 'window' },
    });
    await expect(queryStats(undefined, {}, NOW)).rejects.toMatchObject({
      code: 'route_not_found',
      message: expect.stringMatching(/request log, which is off/),
    });
  });

  it('renders aligned columns with units, a rule and the total', () => {
    const result = computeStats(
      [
        row({ totalMs: 120, ttftMs: 30 }),
        row({ route: 'summarise', outcome: 'upstream_timeout', costUsd: 0 }),
      ],
      'route',
    );
    const text = renderStatsTable(result, { window: '1h', since: 'S', until: 'U', groupBy: 'route' });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Requests in the last 1h (S to U), by route');
    const header = lines[2]!;
    for (const title of [
      'ROUTE',
      'REQUESTS',
      'ERRORS',
      'P50 ms',
      'P99 ms',
      'TTFT P95 ms',
      'COST $',
      '$ PER OK',
    ]) {
      expect(header).toContain(title);
    }
    expect(lines[3]).toMatch(
      /^chat\s+1\s+0\.00%\s+0\.00%\s+120\s+120\s+120\s+120\s+30\s+30\s+30\s+10\s+20\s+0\.001\s+0\.001$/,
    );
    expect(lines[4]).toMatch(/^summarise\s+1\s+100\.00%.*\s+-\s+-\s+-\s+10\s+20\s+0\.00\s+-$/);
    expect(lines[5]).toMatch(/^-+$/);
    expect(lines[6]).toMatch(/^\(total\)\s+2\s+50\.00%/);
    // Right-aligned numbers: every column of numbers ends where its header ends.
    const end = header.indexOf('REQUESTS') + 'REQUESTS'.length;
    for (const line of [lines[3]!, lines[4]!, lines[6]!]) expect(line[end - 1]).toMatch(/\d/);
  });

  it('says so when the window has no requests', () => {
    const text = renderStatsTable(computeStats([], 'none'), {
      window: '5m',
      since: 'S',
      until: 'U',
      groupBy: 'none',
    });
    expect(text).toBe('Requests in the last 5m (S to U)\nNo requests in this window.\n');
  });
});
