/**
 * Metric series cheap enough for the request path, on top of prom-client: each series is found through
 * a trie of its label values (config ids held by long-lived objects, whose string hashes V8 has already
 * cached, so no key string is built or hashed per event); a histogram series is a plain array of counts;
 * counter increments are summed in plain numbers until the scrape. prom-client's own `observe`/`inc`
 * build and hash a label key and validate the labels on every call, about 0.4 µs each.
 */

import { Counter, Histogram, type LabelValues, type Registry } from 'prom-client';

interface Trie<C> {
  readonly next: Map<string | undefined, Trie<C>>;
  leaf: C | undefined;
}

/**
 * A finder of one metric's series by label values (in `labelNames` order), each created on first use and
 * found again by walking a trie. An `undefined` value leaves its label off the series (OTel's
 * conditionally required attributes).
 */
export function seriesOf<N extends string, C>(
  labelNames: readonly N[],
  create: (labels: LabelValues<N>) => C,
): (...values: (string | undefined)[]) => C {
  const root: Trie<C> = { next: new Map(), leaf: undefined };
  return (...values) => {
    let node = root;
    for (const value of values) {
      let child = node.next.get(value);
      if (child === undefined) {
        child = { next: new Map(), leaf: undefined };
        node.next.set(value, child);
      }
      node = child;
    }
    if (node.leaf === undefined) {
      const labels: LabelValues<N> = {};
      labelNames.forEach((name, index) => {
        const value = values[index];
        if (value !== undefined) labels[name] = value;
      });
      node.leaf = create(labels);
    }
    return node.leaf;
  };
}

/** One series of a `CellHistogram`: plain counters, observed with a scan of the bounds. */
export class Cell {
  readonly labels: LabelValues<string>;
  readonly bounds: readonly number[];
  /** Per bucket, not cumulative; the last is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(labels: LabelValues<string>, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** `value` must be finite. */
  observe(value: number): void {
    const bounds = this.bounds;
    let index = 0;
    while (index < bounds.length && value > (bounds[index] as number)) index++;
    this.counts[index] = (this.counts[index] as number) + 1;
    this.sum += value;
    this.count += 1;
  }
}

/** What prom-client's registry reads from a metric to render it (`getForPromString`). */
interface ExposedValue {
  readonly metricName: string;
  readonly labels: LabelValues<string>;
  readonly sharedLabels: LabelValues<string>;
  readonly value: number;
}
interface HistogramExposition {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly values: ExposedValue[];
  readonly aggregator: 'sum';
}

/**
 * A prom-client histogram whose series are `Cell`s kept by the caller, so an observation costs a scan
 * of ≤ 16 bounds and three additions; prom-client's own `observe` builds and hashes a label key and
 * validates the labels on every call. It is registered, typed and rendered by prom-client like any
 * histogram: the registry reads a metric through `getForPromString()` (and `get()` through it).
 * Only `cell()` records; the inherited `observe`/`labels` are not used.
 */
export class CellHistogram<N extends string> extends Histogram<N> {
  readonly #name: string;
  readonly #help: string;
  readonly #labelNames: readonly N[];
  readonly #bounds: readonly number[];
  readonly #cells: Cell[] = [];

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly N[];
    buckets: number[];
    registers: Registry[];
  }) {
    super(config);
    this.#name = config.name;
    this.#help = config.help;
    this.#labelNames = config.labelNames;
    this.#bounds = [...config.buckets];
  }

  /** A finder of this histogram's series by label values, in `labelNames` order. */
  series(): (...values: (string | undefined)[]) => Cell {
    return seriesOf(this.#labelNames, (labels) => this.cell(labels));
  }

  cell(labels: LabelValues<N>): Cell {
    const cell = new Cell(labels, this.#bounds);
    this.#cells.push(cell);
    return cell;
  }

  /** Zeroes every series (prom-client calls this once from its constructor, before the cells exist). */
  override reset(): void {
    if (!(#cells in this)) return;
    for (const cell of this.#cells) {
      cell.counts.fill(0);
      cell.sum = 0;
      cell.count = 0;
    }
  }

  getForPromString(): Promise<HistogramExposition> {
    const values: ExposedValue[] = [];
    const name = this.#name;
    for (const cell of this.#cells) {
      const push = (suffix: string, labels: LabelValues<string>, value: number): void => {
        values.push({ metricName: name + suffix, labels, sharedLabels: cell.labels, value });
      };
      let cumulative = 0;
      this.#bounds.forEach((le, index) =>
        push('_bucket', { le }, (cumulative += cell.counts[index] as number)),
      );
      push('_bucket', { le: '+Inf' }, cell.count);
      push('_sum', {}, cell.sum);
      push('_count', {}, cell.count);
    }
    const exposition = { name, help: this.#help, type: 'histogram', values, aggregator: 'sum' } as const;
    return Promise.resolve(exposition);
  }
}

export interface Tally<N extends string> {
  readonly labels: LabelValues<N>;
  /** Added since the last scrape; always finite and ≥ 0. */
  pending: number;
}

/**
 * A prom-client counter whose increments are summed per series in plain numbers and handed to it when
 * it is scraped (its `collect()`): on the request path an increment is a trie walk and an addition.
 * Returns the finder of its series by label values, in `labelNames` order.
 */
export function tallied<N extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: readonly N[],
): (...values: (string | undefined)[]) => Tally<N> {
  const series: Tally<N>[] = [];
  new Counter({
    name,
    help,
    labelNames,
    registers,
    collect() {
      for (const entry of series) {
        this.inc(entry.labels, entry.pending);
        entry.pending = 0;
      }
    },
  });
  return seriesOf(labelNames, (labels): Tally<N> => {
    const entry = { labels, pending: 0 };
    series.push(entry);
    return entry;
  });
}
