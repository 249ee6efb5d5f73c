/**
 * Stats over the request log's rows of a time window, for `GET /v1/stats` and `switchyard stats`:
 * count, error and fallback rates, latency and TTFT percentiles, tokens and cost, per route, model,
 * provider or tenant. Percentiles come from one HDR histogram per group and measure (microseconds,
 * 3 significant digits), never from averages; the total merges the groups' histograms.
 */

import { build, type Histogram } from 'hdr-histogram-js';
import { GatewayError } from '../core/errors.ts';
import type { StatsRow } from './request-log/row.ts';
import type { RequestLogStore } from './request-log/store.ts';

export const STATS_GROUP_BY = ['none', 'route', 'model', 'provider', 'tenant'] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];

export const DEFAULT_STATS_WINDOW = '1h';
export const MAX_STATS_WINDOW_MS = 30 * 86_400_000;
/** Groups beyond this many (by count) are folded into one `(other)` group, bounding memory. */
export const DEFAULT_MAX_GROUPS = 100;
/** The key of rows whose grouping column is empty (a request that failed before routing has no route). */
export const NO_VALUE_KEY = '(none)';
export const OTHER_KEY = '(other)';
export const TOTAL_KEY = '(total)';

export interface StatsQuery {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  /** The window as text (`1h`), or the span of since/until when those were given. */
  readonly window: string;
  readonly groupBy: StatsGroupBy;
}

/** Milliseconds, 3 significant digits. */
export interface TtftSummary {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface LatencySummary extends TtftSummary {
  readonly max: number;
}

export interface StatsGroup {
  readonly key: string;
  readonly count: number;
  /** Requests whose outcome is not `ok`. */
  readonly errors: number;
  /** errors / count. */
  readonly errorRate: number;
  /** Requests served by a target other than the plan's first, / count. */
  readonly fallbackRate: number;
  /** Milliseconds, 3 significant digits; null only for an empty window's total. */
  readonly latencyMs: LatencySummary | null;
  /** Milliseconds; null when no request of the group has a TTFT. */
  readonly ttftMs: TtftSummary | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Every request's cost, failed attempts included. */
  readonly costUsd: number;
  /** costUsd / successful requests (what one success costs, failures paid for included); null if none. */
  readonly costPerSuccessUsd: number | null;
}

export interface StatsResult {
  /** Sorted by count, descending; `(other)` last. Empty when not grouped. */
  readonly groups: readonly StatsGroup[];
  readonly total: StatsGroup;
  /** How many distinct keys were folded into `(other)`. */
  readonly otherGroups: number;
}

/** The body of `GET /v1/stats`. */
export interface StatsResponse extends StatsResult {
  readonly window: string;
  /** ISO 8601, inclusive. */
  readonly since: string;
  /** ISO 8601, exclusive. */
  readonly until: string;
  readonly groupBy: StatsGroupBy;
}

// ---------------------------------------------------------------------------------------------------
// Query parsing

const PARAMS = ['window', 'group_by', 'since', 'until'] as const;
type StatsParam = (typeof PARAMS)[number];
const WINDOW = /^([1-9][0-9]{0,8})([smhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

/** `30s`, `15m`, `1h`, `7d` → milliseconds (at most 30 days); throws naming `window`. */
export function parseWindow(text: string): number {
  const match = WINDOW.exec(text);
  if (match === null) {
    throw invalid('window', `'window' must be a duration like 30s, 15m, 1h, 24h or 7d; got '${text}'`);
  }
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
  if (ms > MAX_STATS_WINDOW_MS) throw invalid('window', `'window' must be at most 30d; got '${text}'`);
  return ms;
}

/** Milliseconds → the largest unit that divides them exactly (`90m`, `2d`); else seconds, rounded. */
export function formatWindow(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.max(1, Math.round(ms / 1_000))}s`;
}

function stringParam(params: Readonly<Record<string, unknown>>, name: StatsParam): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(name, `'${name}' must be given once, as text`);
  return value;
}

/** Epoch milliseconds or an ISO 8601 time. */
function parseTime(text: string, name: StatsParam): number {
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : ISO_DATE.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw invalid(name, `'${name}' must be an ISO 8601 time or epoch milliseconds; got '${text}'`);
  }
  return ms;
}

/**
 * The query string of `GET /v1/stats` → the window and grouping. Either `window` (default 1h, ending
 * at `until` or now) or `since` (with an optional `until`). Throws `invalid_request` naming the field.
 */
export function parseStatsQuery(params: Readonly<Record<string, unknown>>, now: number): StatsQuery {
  for (const name of Object.keys(params)) {
    if (!(PARAMS as readonly string[]).includes(name)) {
      throw invalid(name, `Unknown query parameter '${name}'; expected ${PARAMS.join(', ')}`);
    }
  }
  const groupText = stringParam(params, 'group_by') ?? 'none';
  const groupBy = STATS_GROUP_BY.find((option) => option === groupText);
  if (groupBy === undefined) {
    throw invalid('group_by', `'group_by' must be one of ${STATS_GROUP_BY.join(', ')}; got '${groupText}'`);
  }
  const windowText = stringParam(params, 'window');
  const sinceText = stringParam(params, 'since');
  const untilText = stringParam(params, 'until');
  const until = untilText === undefined ? now : parseTime(untilText, 'until');

  if (sinceText === undefined) {
    const window = windowText ?? DEFAULT_STATS_WINDOW;
    return { since: until - parseWindow(window), until, window, groupBy };
  }
  if (windowText !== undefined) throw invalid('window', "Give either 'window' or 'since', not both");
  const since = parseTime(sinceText, 'since');
  if (since >= until) throw invalid('since', `'since' must be before 'until' (or now)`);
  if (until - since > MAX_STATS_WINDOW_MS) {
    throw invalid('since', `'since' must be at most 30d before 'until' (or now)`);
  }
  return { since, until, window: formatWindow(until - since), groupBy };
}

// ---------------------------------------------------------------------------------------------------
// Aggregation

/** Latencies are recorded in whole microseconds, so sub-millisecond values keep their precision. */
const MAX_MICROS = 1e12;

function newHistogram(): Histogram {
  // 60 s at 3 significant digits is ~70 KB; larger values grow it (autoResize).
  return build({
    useWebAssembly: false,
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function toMicros(ms: number): number {
  // NaN and negatives record as 0; Infinity as the cap.
  return ms > 0 ? Math.min(Math.round(ms * 1_000), MAX_MICROS) : 0;
}

export function roundSignificant(value: number, digits: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

const microsToMs = (micros: number): number => roundSignificant(micros / 1_000, 3);
const roundRate = (value: number): number => Math.round(value * 1e6) / 1e6;
const roundUsd = (value: number): number => Math.round(value * 1e9) / 1e9;

class Accumulator {
  count = 0;
  errors = 0;
  fallbacks = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUsd = 0;
  maxMicros = 0;
  ttftMaxMicros = 0;
  readonly latency: Histogram = newHistogram();
  ttft: Histogram | undefined = undefined;

  add(row: StatsRow): void {
    this.count++;
    if (row.outcome !== 'ok') this.errors++;
    if (row.fallback) this.fallbacks++;
    const micros = toMicros(row.totalMs);
    this.latency.recordValue(micros);
    if (micros > this.maxMicros) this.maxMicros = micros;
    if (row.ttftMs !== null) {
      const ttft = toMicros(row.ttftMs);
      (this.ttft ??= newHistogram()).recordValue(ttft);
      if (ttft > this.ttftMaxMicros) this.ttftMaxMicros = ttft;
    }
    if (row.inputTokens !== null) this.inputTokens += row.inputTokens;
    if (row.outputTokens !== null) this.outputTokens += row.outputTokens;
    this.costUsd += row.costUsd;
  }

  merge(other: Accumulator): void {
    this.count += other.count;
    this.errors += other.errors;
    this.fallbacks += other.fallbacks;
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.costUsd += other.costUsd;
    this.maxMicros = Math.max(this.maxMicros, other.maxMicros);
    this.ttftMaxMicros = Math.max(this.ttftMaxMicros, other.ttftMaxMicros);
    this.latency.add(other.latency);
    if (other.ttft !== undefined) (this.ttft ??= newHistogram()).add(other.ttft);
  }

  summary(key: string): StatsGroup {
    const { count, errors, ttft } = this;
    const successes = count - errors;
    return {
      key,
      count,
      errors,
      errorRate: count === 0 ? 0 : roundRate(errors / count),
      fallbackRate: count === 0 ? 0 : roundRate(this.fallbacks / count),
      latencyMs:
        count === 0
          ? null
          : { ...percentiles(this.latency, this.maxMicros), max: microsToMs(this.maxMicros) },
      ttftMs: ttft === undefined ? null : percentiles(ttft, this.ttftMaxMicros),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: roundUsd(this.costUsd),
      costPerSuccessUsd: successes === 0 ? null : roundUsd(this.costUsd / successes),
    };
  }
}

/** An HDR percentile is the top of its bucket; never report more than the largest value seen. */
function percentiles(histogram: Histogram, maxMicros: number): TtftSummary {
  const at = (percentile: number): number =>
    microsToMs(Math.min(histogram.getValueAtPercentile(percentile), maxMicros));
  return { p50: at(50), p95: at(95), p99: at(99) };
}

const KEY_OF: Readonly<Record<Exclude<StatsGroupBy, 'none'>, (row: StatsRow) => string | null>> = {
  route: (row) => row.route,
  model: (row) => row.servedModel,
  provider: (row) => row.provider,
  tenant: (row) => row.tenant,
};

export interface ComputeStatsOptions {
  /** Keep the this many largest groups; fold the rest into `(other)`. Default 100. */
  readonly maxGroups?: number;
}

/** Aggregates rows into per-group and total stats. Two passes over the rows when grouped. */
export function computeStats(
  rows: readonly StatsRow[],
  groupBy: StatsGroupBy,
  options: ComputeStatsOptions = {},
): StatsResult {
  if (groupBy === 'none') {
    const total = new Accumulator();
    for (const row of rows) total.add(row);
    return { groups: [], total: total.summary(TOTAL_KEY), otherGroups: 0 };
  }
  const keyOf = KEY_OF[groupBy];
  const maxGroups = Math.max(1, options.maxGroups ?? DEFAULT_MAX_GROUPS);

  // Pass 1: count per key, to choose the groups kept (a histogram per key would be unbounded memory).
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = keyOf(row);
    const key = value === null || value === '' ? NO_VALUE_KEY : value;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const ranked = [...counts].sort(byCountThenKey);
  const kept = ranked.length > maxGroups ? ranked.slice(0, maxGroups - 1) : ranked;
  const other = kept.length < ranked.length ? new Accumulator() : undefined;
  const accumulators = new Map<string, Accumulator>();
  const groups: [string, Accumulator][] = [];
  for (const [key] of kept) {
    const accumulator = new Accumulator();
    accumulators.set(key, accumulator);
    groups.push([key, accumulator]);
  }
  if (other !== undefined) {
    for (const [key] of ranked.slice(kept.length)) accumulators.set(key, other);
    groups.push([OTHER_KEY, other]);
  }

  // Pass 2: every row into its group's accumulator.
  for (const row of rows) {
    const value = keyOf(row);
    accumulators.get(value === null || value === '' ? NO_VALUE_KEY : value)?.add(row);
  }

  const total = new Accumulator();
  for (const [, accumulator] of groups) total.merge(accumulator);
  return {
    groups: groups.map(([key, accumulator]) => accumulator.summary(key)),
    total: total.summary(TOTAL_KEY),
    otherGroups: other === undefined ? 0 : ranked.length - kept.length,
  };
}

function byCountThenKey(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * The whole of `GET /v1/stats`: parse the query (400 naming the field), read the window's rows,
 * aggregate. Without a request log (`request_log.store: off`) there is nothing to read: 404.
 */
export async function queryStats(
  store: Pick<RequestLogStore, 'statsRows'> | undefined,
  params: Readonly<Record<string, unknown>>,
  now: number,
): Promise<StatsResponse> {
  const query = parseStatsQuery(params, now);
  if (store === undefined) {
    throw new GatewayError(
      'route_not_found',
      'Stats are read from the request log, which is off in this config (request_log.store: off).',
    );
  }
  const rows = await store.statsRows({ since: query.since, until: query.until });
  return {
    window: query.window,
    since: new Date(query.since).toISOString(),
    until: new Date(query.until).toISOString(),
    groupBy: query.groupBy,
    ...computeStats(rows, query.groupBy),
  };
}
