/** Latency recording in microseconds on an HDR histogram, so tail percentiles are exact to 0.1 %. */
import { build, type Histogram } from 'hdr-histogram-js';

// One minute in µs: anything slower is a timeout, not a latency worth resolving.
const HIGHEST_TRACKABLE_US = 60_000_000;

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export class LatencyHistogram {
  readonly #histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });

  recordMs(milliseconds: number): void {
    const microseconds = Math.round(milliseconds * 1000);
    this.#histogram.recordValue(Math.min(Math.max(microseconds, 1), HIGHEST_TRACKABLE_US));
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  summarize(): LatencySummary {
    const atMs = (percentile: number): number => this.#histogram.getValueAtPercentile(percentile) / 1000;
    return {
      count: this.#histogram.totalCount,
      p50Ms: atMs(50),
      p90Ms: atMs(90),
      p99Ms: atMs(99),
      p999Ms: atMs(99.9),
      maxMs: this.#histogram.maxValue / 1000,
    };
  }
}
