/**
 * Load balancing across the deployments of one logical model (the same model on OpenAI and Azure, three
 * vLLM replicas…): `choose` picks one deployment per attempt, `start`/`end` bracket the call.
 *
 * - `weighted`: a random draw proportional to weight. Weight 0 means drained: never chosen, even when
 *   it is the only deployment left (a drained deployment taking traffic would surprise an operator).
 * - `least-in-flight`: the fewest calls in flight per unit of weight; ties drawn by weight.
 * - `latency`: power of two choices — two distinct deployments drawn by weight, the lower score wins, with
 *   score = expected latency × (in flight + 1), peak-EWMA style: a deployment that stalls piles up calls
 *   and loses at once, without waiting for its slow answers to arrive.
 *
 * Expected latency is L/p: L the time-decayed mean latency of successful calls, p the time-decayed
 * success rate — if an attempt succeeds with probability p, about 1/p attempts are needed. Failures so
 * count in proportion to how often they happen, and a deployment failing fast (connection refused in
 * 2 ms) cannot look fast: failed calls' latencies are never averaged in. p carries one pseudo-success
 * ((successes + 1) / (outcomes + 1)), so one unlucky call does not shut a deployment out; one that has
 * only failed stands in with the slowest L known. `weighted` and `least-in-flight` ignore outcomes;
 * circuit breakers cover deployments that are down.
 *
 * Estimates decay with a half-life (default 10 s: long enough to average several calls, whose latency
 * varies with prompt and output length; short enough to follow a provider slowing or recovering). With no
 * new outcome for 3 half-lives (its evidence decayed to an eighth) an estimate is forgotten, so a shunned
 * deployment is re-probed within ~30 s instead of starving forever. An unmeasured deployment scores 0
 * while idle, so it is explored at once; while that probe is in flight it scores as extremely slow, so a
 * cold start sends it one call, not a burst.
 *
 * rpm/tpm: requests and tokens over the last 60 s, in per-second buckets (O(1) per call, 60 slots
 * however busy; the window slides by whole seconds). A deployment is out of capacity when its requests
 * reach rpm, or its tokens plus this request's would exceed tpm. A request larger than the whole tpm
 * counts as exactly tpm — it runs once the window is empty rather than never.
 */

export type BalanceStrategy = 'weighted' | 'least-in-flight' | 'latency';

export interface DeploymentCapacity {
  readonly id: string;
  /** Share of traffic relative to the others; 0 drains the deployment. */
  readonly weight: number;
  /** Requests per minute; unlimited when absent. */
  readonly rpm?: number;
  /** Tokens (prompt + completion) per minute; unlimited when absent. */
  readonly tpm?: number;
}

export interface BalancerOptions {
  readonly now?: () => number;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  /** Half-life of the latency and success-rate estimates (default 10 s; see the header). */
  readonly ewmaHalfLifeMs?: number;
}

export interface DeploymentLoad {
  readonly id: string;
  readonly weight: number;
  readonly inFlight: number;
  /** Decayed mean latency of successful calls; undefined when unmeasured (or forgotten). */
  readonly ewmaLatencyMs: number | undefined;
  /** Decayed share of successful outcomes, as observed (no pseudo-success); undefined when unmeasured. */
  readonly successRate: number | undefined;
  readonly requestsLastMinute: number;
  readonly tokensLastMinute: number;
}

export interface CallResult {
  /** false for failures that reflect on the deployment (5xx, timeouts, broken streams, rate limits). */
  readonly ok: boolean;
  /** TTFT (streams) or duration. `{ ok: true }` without it is neutral (a client's bad request…). */
  readonly latencyMs?: number;
  /** Actual total tokens; replaces the estimate given to `start`. The estimate stands when absent. */
  readonly tokens?: number;
}

export interface DeploymentCall {
  /** Ends the call: releases it from in-flight and records the outcome. Later calls are ignored. */
  end(result: CallResult): void;
}

export interface ChooseRequest {
  /** Deployments not to use; called at most once each, only for those with weight and capacity. */
  readonly exclude?: (id: string) => boolean;
  /** Estimated total tokens of the request, for tpm. */
  readonly tokens: number;
}

export interface Balancer {
  /** A deployment for the next attempt; undefined when all are excluded, drained or out of capacity. */
  choose(request: ChooseRequest): string | undefined;
  /** Counts a call as in flight and against rpm/tpm (with the estimated tokens). */
  start(id: string, tokens: number): DeploymentCall;
  /**
   * When every deployment not excluded (and not drained) is out of rpm/tpm capacity: ms until the
   * earliest one has room for `tokens`. Undefined when one has room now, or none is left to wait for.
   */
  retryAfterMs(tokens: number, exclude?: (id: string) => boolean): number | undefined;
  snapshot(): readonly DeploymentLoad[];
}

const WINDOW_SECONDS = 60;
const FORGET_AFTER_HALF_LIVES = 3;
/** The latency an unmeasured deployment is given while its first call is in flight (~11 days). */
const PENDING_PROBE_MS = 1e9;
/** Pseudo-successes in the success rate (see the header). */
const PRIOR_SUCCESSES = 1;

/** No calls, no outcomes. */
const FRESH = { inFlight: 0, latencySum: 0, successes: 0, outcomes: 0, outcomeAt: -Infinity };

const slotOf = (second: number): number => ((second % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;

/** Requests and tokens of the last 60 whole seconds. */
class MinuteWindow {
  requests = 0;
  tokens = 0;
  /** The newest second covered; new calls are counted in its bucket. */
  head = -Infinity;
  private readonly bucketRequests = new Float64Array(WINDOW_SECONDS);
  private readonly bucketTokens = new Float64Array(WINDOW_SECONDS);

  /** Slides the window forward to `second` (never back: a clock stepping back counts in the head). */
  roll(second: number): void {
    if (second <= this.head) return;
    for (let s = Math.max(this.head + 1, second - WINDOW_SECONDS + 1); s <= second; s++) {
      const slot = slotOf(s);
      this.requests -= this.bucketRequests[slot] ?? 0;
      this.tokens -= this.bucketTokens[slot] ?? 0;
      this.bucketRequests[slot] = 0;
      this.bucketTokens[slot] = 0;
    }
    this.head = second;
  }

  /** Adds to the bucket of `second`, or to the newest one if that has left the window. */
  add(second: number, requests: number, tokens: number): void {
    const slot = slotOf(this.holds(second) ? second : this.head);
    const before = this.bucketTokens[slot] ?? 0;
    const after = Math.max(0, before + tokens);
    this.bucketTokens[slot] = after;
    this.tokens += after - before;
    this.bucketRequests[slot] = (this.bucketRequests[slot] ?? 0) + requests;
    this.requests += requests;
  }

  holds(second: number): boolean {
    return second > this.head - WINDOW_SECONDS;
  }

  /** ms from `nowMs` until `fits` holds, dropping buckets oldest first (0 if it holds now). */
  waitMs(nowMs: number, fits: (requests: number, tokens: number) => boolean): number {
    let requests = this.requests;
    let tokens = this.tokens;
    if (fits(requests, tokens)) return 0;
    for (let s = this.head - WINDOW_SECONDS + 1; s <= this.head; s++) {
      requests -= this.bucketRequests[slotOf(s)] ?? 0;
      tokens -= this.bucketTokens[slotOf(s)] ?? 0;
      if (fits(requests, tokens)) return (s + WINDOW_SECONDS) * 1000 - nowMs;
    }
    return (this.head + WINDOW_SECONDS) * 1000 - nowMs;
  }
}

interface Deployment extends DeploymentCapacity {
  readonly window: MinuteWindow;
  inFlight: number;
  /** Time-decayed sums: latencies of successes, successes, all outcomes; as of `outcomeAt`. */
  latencySum: number;
  successes: number;
  outcomes: number;
  outcomeAt: number;
}

const positive = (value: number | undefined): boolean =>
  value === undefined || (Number.isFinite(value) && value > 0);

function validate(deployments: readonly DeploymentCapacity[]): void {
  const ids = new Set<string>();
  for (const { id, weight, rpm, tpm } of deployments) {
    if (ids.has(id)) throw new Error(`duplicate deployment: ${id}`);
    ids.add(id);
    if (!(weight === 0 || positive(weight))) throw new RangeError(`${id}: weight must be ≥ 0`);
    if (!positive(rpm) || !positive(tpm)) throw new RangeError(`${id}: rpm and tpm must be > 0`);
  }
}

export function createBalancer(
  strategy: BalanceStrategy,
  deployments: readonly DeploymentCapacity[],
  options: BalancerOptions = {},
): Balancer {
  validate(deployments);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const halfLifeMs = options.ewmaHalfLifeMs ?? 10_000;
  if (!positive(halfLifeMs)) throw new RangeError('ewmaHalfLifeMs must be > 0');
  const forgetAfterMs = FORGET_AFTER_HALF_LIVES * halfLifeMs;

  const states = deployments.map((capacity): Deployment => ({
    ...capacity,
    window: new MinuteWindow(),
    ...FRESH,
  }));
  const byId = new Map(states.map((state) => [state.id, state]));

  const measured = (d: Deployment, at: number): boolean =>
    d.outcomes > 0 && at - d.outcomeAt <= forgetAfterMs;

  const record = (d: Deployment, at: number, ok: boolean, latencyMs: number): void => {
    if (measured(d, at)) {
      const decay = 2 ** (-Math.max(0, at - d.outcomeAt) / halfLifeMs);
      d.latencySum *= decay;
      d.successes *= decay;
      d.outcomes *= decay;
    } else {
      d.latencySum = d.successes = d.outcomes = 0;
    }
    d.outcomes += 1;
    if (ok) {
      d.successes += 1;
      d.latencySum += latencyMs;
    }
    d.outcomeAt = Math.max(d.outcomeAt, at);
  };

  const meanLatency = (d: Deployment, at: number): number | undefined =>
    measured(d, at) && d.successes > 0 ? d.latencySum / d.successes : undefined;

  /** Expected ms to a successful answer (L/p, see the header); undefined when unmeasured. */
  const expectedLatency = (d: Deployment, at: number): number | undefined => {
    if (!measured(d, at)) return undefined;
    let latency = meanLatency(d, at);
    if (latency === undefined) {
      // Only failures so far: take it to be as slow as the slowest deployment that has succeeded.
      const known = states.map((other) => meanLatency(other, at)).filter((mean) => mean !== undefined);
      latency = known.length > 0 ? Math.max(...known) : PENDING_PROBE_MS;
    }
    const successRate = (d.successes + PRIOR_SUCCESSES) / (d.outcomes + PRIOR_SUCCESSES);
    return latency / successRate;
  };

  const score = (d: Deployment, at: number): number => {
    const latency = expectedLatency(d, at) ?? (d.inFlight === 0 ? 0 : PENDING_PROBE_MS);
    return latency * (d.inFlight + 1);
  };

  /** Rolls the window to `at`; ms until `tokens` fit (0 = now). */
  const capacityWaitMs = (d: Deployment, at: number, tokens: number): number => {
    d.window.roll(Math.floor(at / 1000));
    if (d.rpm === undefined && d.tpm === undefined) return 0;
    const { rpm, tpm } = d;
    const need = tpm === undefined ? 0 : Math.min(tokens, tpm);
    return d.window.waitMs(
      at,
      (requests, used) => (rpm === undefined || requests < rpm) && (tpm === undefined || used + need <= tpm),
    );
  };

  /** A draw proportional to weight among `candidates`, skipping `skip`. */
  const draw = (candidates: readonly Deployment[], total: number, skip?: Deployment): Deployment => {
    let target = random() * total;
    let last: Deployment | undefined;
    for (const d of candidates) {
      if (d === skip) continue;
      last = d;
      target -= d.weight;
      if (target < 0) return d;
    }
    return last ?? (candidates[0] as Deployment); // rounding left `target` a hair above 0
  };

  const sumWeights = (candidates: readonly Deployment[]): number =>
    candidates.reduce((sum, d) => sum + d.weight, 0);

  const pick = (candidates: readonly Deployment[], at: number): Deployment => {
    switch (strategy) {
      case 'weighted':
        return draw(candidates, sumWeights(candidates));
      case 'least-in-flight': {
        let best = Infinity;
        let ties: Deployment[] = [];
        for (const d of candidates) {
          const load = d.inFlight / d.weight;
          if (load < best) {
            best = load;
            ties = [d];
          } else if (load === best) ties.push(d);
        }
        return ties.length === 1 ? (ties[0] as Deployment) : draw(ties, sumWeights(ties));
      }
      case 'latency': {
        if (candidates.length === 1) return candidates[0] as Deployment;
        const total = sumWeights(candidates);
        const first = draw(candidates, total);
        const second = draw(candidates, total - first.weight, first);
        return score(second, at) < score(first, at) ? second : first;
      }
    }
  };

  return {
    choose({ exclude, tokens }) {
      const at = now();
      const candidates: Deployment[] = [];
      for (const d of states) {
        if (d.weight <= 0 || capacityWaitMs(d, at, tokens) > 0) continue;
        if (exclude?.(d.id) === true) continue;
        candidates.push(d);
      }
      return candidates.length === 0 ? undefined : pick(candidates, at).id;
    },

    start(id, tokens) {
      const d = byId.get(id);
      if (d === undefined) throw new Error(`unknown deployment: ${id}`);
      const estimate = Number.isFinite(tokens) ? Math.max(0, tokens) : 0;
      d.window.roll(Math.floor(now() / 1000));
      const startedIn = d.window.head;
      d.window.add(startedIn, 1, estimate);
      d.inFlight++;
      let ended = false;
      return {
        end({ ok, latencyMs, tokens: actual }) {
          if (ended) return;
          ended = true;
          d.inFlight--;
          const at = now();
          if (actual !== undefined && Number.isFinite(actual)) {
            d.window.roll(Math.floor(at / 1000));
            // A call that outlasted the window has its whole usage counted when it is reported.
            const counted = d.window.holds(startedIn) ? estimate : 0;
            d.window.add(startedIn, 0, Math.max(0, actual) - counted);
          }
          if (!ok) record(d, at, false, 0);
          else if (latencyMs !== undefined && Number.isFinite(latencyMs)) {
            record(d, at, true, Math.max(0, latencyMs));
          }
        },
      };
    },

    retryAfterMs(tokens, exclude) {
      const at = now();
      let earliest: number | undefined;
      for (const d of states) {
        if (d.weight <= 0 || exclude?.(d.id) === true) continue;
        const wait = capacityWaitMs(d, at, tokens);
        if (wait <= 0) return undefined;
        earliest = Math.min(earliest ?? Infinity, wait);
      }
      return earliest;
    },

    snapshot() {
      const at = now();
      return states.map((d) => {
        d.window.roll(Math.floor(at / 1000));
        return {
          id: d.id,
          weight: d.weight,
          inFlight: d.inFlight,
          ewmaLatencyMs: meanLatency(d, at),
          successRate: measured(d, at) ? d.successes / d.outcomes : undefined,
          requestsLastMinute: d.window.requests,
          tokensLastMinute: d.window.tokens,
        };
      });
    },
  };
}
