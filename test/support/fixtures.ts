/** Resolved config objects for unit tests: one place that knows every field, overridden per test. */

import type { ResolvedProvider } from '../../src/config/resolved.ts';
import type { ModelCapabilities, ResolvedModel } from '../../src/core/model.ts';
import { SIM_TIER_PROFILES } from '../../src/sim/profiles.ts';

export const ALL_CAPABILITIES: ModelCapabilities = Object.freeze({
  tools: true,
  parallelToolCalls: true,
  jsonObject: true,
  jsonSchema: true,
  vision: true,
  logprobs: true,
  assistantPrefill: true,
});

export function testModel(overrides: Partial<ResolvedModel> = {}): ResolvedModel {
  return {
    id: 'test-model',
    provider: 'test-provider',
    upstreamModel: 'sim-lite',
    contextWindow: 128_000,
    maxOutputTokens: 4_096,
    pricing: { inputPerMillion: 1, outputPerMillion: 2 },
    capabilities: ALL_CAPABILITIES,
    tokenizer: 'o200k',
    tags: [],
    source: 'config',
    ...overrides,
  };
}

/** An in-process simulator provider speaking `wire`, with zero latency. */
export function simProvider(
  wire: 'openai' | 'anthropic' | 'gemini',
  overrides: Partial<ResolvedProvider> = {},
): ResolvedProvider {
  return {
    name: 'sim',
    type: 'sim',
    baseUrl: '',
    apiKey: undefined,
    auth: { header: 'authorization', prefix: 'Bearer ' },
    headers: {},
    query: {},
    timeouts: { connectMs: 1_000, headersMs: 2_000, bodyIdleMs: 2_000 },
    maxConnections: 8,
    forwardHeaders: ['x-sim-fault'],
    defaultMaxTokens: undefined,
    sim: { latency: 'zero', seed: 1, wire, profiles: SIM_TIER_PROFILES },
    ...overrides,
  };
}
