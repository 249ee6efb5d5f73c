/**
 * Built-in simulated model tiers. Their figures are shaped after today's hosted models of each class
 * (small/fast, mid, frontier, long-context) so routing and resilience behave as they would in production.
 * The config module refers to them by name; `sim-mid` also answers for model names no profile claims.
 */

import type { SimModelProfile } from './types.ts';

export type SimTierName = 'sim-lite' | 'sim-mid' | 'sim-strong' | 'sim-long';

function profile(
  medianMs: number,
  p95Ms: number,
  tokensPerSecond: number,
  contextWindow: number,
): SimModelProfile {
  return Object.freeze({
    ttftMs: Object.freeze({ median: medianMs, p95: p95Ms }),
    tokensPerSecond,
    contextWindow,
    faults: Object.freeze([]),
  });
}

export const SIM_TIER_PROFILES: Readonly<Record<SimTierName, SimModelProfile>> = Object.freeze({
  /** Fast and cheap. */
  'sim-lite': profile(150, 400, 180, 128_000),
  /** The general-purpose middle. */
  'sim-mid': profile(300, 800, 90, 128_000),
  /** Slower, stronger. */
  'sim-strong': profile(600, 1_800, 45, 200_000),
  /** Long context: a million-token window, slow to start. */
  'sim-long': profile(900, 2_500, 60, 1_000_000),
});

export const SIM_TIER_NAMES: readonly SimTierName[] = Object.freeze(
  Object.keys(SIM_TIER_PROFILES) as SimTierName[],
);

/** The profile for model names that no configured profile names. */
export const SIM_FALLBACK_PROFILE: SimModelProfile = SIM_TIER_PROFILES['sim-mid'];

export function isSimTierName(name: string): name is SimTierName {
  return Object.hasOwn(SIM_TIER_PROFILES, name);
}
