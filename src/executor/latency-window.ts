/**
 * The most recent latency samples of one deployment in a fixed-size ring, for quantiles such as "p95
 * time to first token over the last 256 calls" — the executor's hedging delay. A ring rather than a
 * time-decayed estimate because a hedge wants a tail quantile, which an average cannot give.
 *
 * `quantile` copies the ring into a scratch array and sorts it (256 numbers: a few microseconds), and keeps
 * the sorted copy until the next `record`, so calling it on every request is cheap; nothing is allocated
 * after construction.
 */

export interface LatencyWindow {
  /** Adds a sample; the oldest one drops out once the ring is full. Non-finite values are ignored. */
  record(ms: number): void;
  /**
   * The nearest-rank q-quantile (0 ≤ q ≤ 1) of the samples held — always a latency that was actually
   * observed — or undefined while fewer than `minSamples` are held: a tail from a handful of samples
   * is noise.
   */
  quantile(q: number): number | undefined;
  /** Samples currently held (at most `size`). */
  readonly count: number;
}

export function createLatencyWindow(size = 256, minSamples = 20): LatencyWindow {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer: ${size}`);
  if (!Number.isInteger(minSamples) || minSamples < 1 || minSamples > size) {
    throw new RangeError(`minSamples must be an integer in 1..${size}: ${minSamples}`);
  }
  const samples = new Float64Array(size);
  const sorted = new Float64Array(size);
  let next = 0;
  let count = 0;
  let sortedValid = false;

  return {
    record(ms) {
      if (!Number.isFinite(ms)) return;
      samples[next] = Math.max(0, ms);
      next = (next + 1) % size;
      if (count < size) count++;
      sortedValid = false;
    },
    quantile(q) {
      if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1]: ${q}`);
      if (count < minSamples) return undefined;
      const view = sorted.subarray(0, count);
      if (!sortedValid) {
        view.set(samples.subarray(0, count));
        view.sort(); // typed arrays sort numerically
        sortedValid = true;
      }
      return view[Math.max(0, Math.ceil(q * count) - 1)];
    },
    get count() {
      return count;
    },
  };
}
