/**
 * The fault suite's configuration pieces: commit modes, timeouts, simulated model profiles, a manual
 * clock, and builders for the gateway YAML (providers at the simulator, models, per-mode routes).
 */

import type { SimModelProfile } from '../../src/sim/types.ts';

export type CommitMode = 'first-token' | 'buffer';
export const COMMIT_MODES: readonly CommitMode[] = ['first-token', 'buffer'];

/** The question every test asks; the simulator's natural answer to it is longer than MAX_TOKENS. */
export const QUESTION = 'Explain, step by step, how a routing gateway survives an upstream outage.';
/** Answers are cut at this length (finish reason `length`), so every answer is exactly this many tokens. */
export const MAX_TOKENS = 60;

/** Upstream timeouts of the simulated providers, and the routes' first-token limit. */
export const CONNECT_MS = 500;
export const HEADERS_MS = 1_500;
export const BODY_IDLE_MS = 300;
export const FIRST_TOKEN_MS = 400;

/** A clock that only moves when told to: shared by the simulator and the gateway. */
export class ManualClock {
  #ms: number;
  constructor(startMs = 1_700_000_000_000) {
    this.#ms = startMs;
  }
  readonly now = (): number => this.#ms;
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/**
 * A quick but paced model: first token after ~2 ms, then 2400 tokens/s in 20 ms pacer ticks, so a
 * 60-token answer takes ~40 ms and arrives in three network reads. The first carries only the role and
 * the first token, so a mid-stream fault lands after a `first-token` commit and before a `buffer` one.
 */
export function fastProfile(
  faults: readonly string[] = [],
  overrides: Partial<SimModelProfile> = {},
): SimModelProfile {
  return {
    ttftMs: { median: 2, p95: 4 },
    tokensPerSecond: 2_400,
    contextWindow: 128_000,
    faults,
    ...overrides,
  };
}

/** The upstream models every file has: `sim-a` for primaries, `sim-b` for fallbacks. */
export const BASE_PROFILES: Readonly<Record<string, SimModelProfile>> = {
  'sim-a': fastProfile(),
  'sim-b': fastProfile(),
};

const TIMEOUTS = `{ connect_ms: ${CONNECT_MS}, headers_ms: ${HEADERS_MS}, body_idle_ms: ${BODY_IDLE_MS} }`;

/**
 * Two providers at the same simulator: `sim` speaks OpenAI's wire (which never takes assistant
 * prefill), `sim-anthropic` Anthropic's (which does).
 */
export const PROVIDERS_YAML = `
providers:
  sim:
    type: openai-compatible
    base_url: \${SIM_URL}
    forward_headers: [x-sim-fault]
    timeouts: ${TIMEOUTS}
  sim-anthropic:
    type: anthropic
    base_url: \${SIM_ORIGIN}/v1
    api_key: unused
    forward_headers: [x-sim-fault]
    timeouts: ${TIMEOUTS}`;

/** A model entry; prices differ per model so a reported cost says which model was billed. */
export function modelYaml(
  id: string,
  upstream: string,
  options: { provider?: string; input?: number; output?: number } = {},
): string {
  const { provider = 'sim', input = 1, output = 2 } = options;
  return `
  ${id}:
    provider: ${provider}
    upstream: ${upstream}
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: ${input}, output_per_million: ${output} }`;
}

/** `primary` (sim-a) and `backup` (sim-b), on the OpenAI wire, at different prices. */
export const PRICES = {
  primary: { input: 1, output: 2 },
  backup: { input: 3, output: 5 },
} as const;
export const BASE_MODELS_YAML =
  modelYaml('primary', 'sim-a', PRICES.primary) + modelYaml('backup', 'sim-b', PRICES.backup);

/** A route for one commit mode, named `${name}-${mode}`; `extra` is more YAML keys of the flow mapping. */
export function routeYaml(name: string, mode: CommitMode, targets: readonly string[], extra = ''): string {
  const more = extra === '' ? '' : `, ${extra}`;
  return `
  - { name: ${name}-${mode}, targets: [${targets.join(', ')}], commit: ${mode}, first_token_ms: ${FIRST_TOKEN_MS}${more} }`;
}

/** Both modes' versions of a route. */
export function routesYaml(name: string, targets: readonly string[], extra = ''): string {
  return COMMIT_MODES.map((mode) => routeYaml(name, mode, targets, extra)).join('');
}

export function configYaml(
  models: string,
  routes: string,
  options: { readonly circuitFailureThreshold?: number; readonly extraProviders?: string } = {},
): string {
  // Most files fail deployments on purpose, many times over: circuits would open between tests.
  const circuitFailureThreshold = options.circuitFailureThreshold ?? 0;
  return `
server: { log_level: silent }
${PROVIDERS_YAML}${options.extraProviders ?? ''}
models:${models}
routes:${routes}
circuit_breaker: { failure_threshold: ${circuitFailureThreshold}, window_ms: 10000, open_ms: 20000 }
`;
}
