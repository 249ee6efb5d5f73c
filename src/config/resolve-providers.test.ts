import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.ts';
import { configIssues as issuesOf } from './testing.ts';

describe('sim providers', () => {
  const simConfig = (providerBody: string, models: string): string => `
providers:
  sim:
    type: sim
${providerBody}
models:
${models}
routes: [{ name: main, targets: [m] }]
`;
  const PRICE = 'pricing: { input_per_million: 1, output_per_million: 2 }';

  it('takes windows from the built-in tiers, overridable per field, and forwards the fault header', async () => {
    const config = await loadConfigText(
      simConfig(
        '    latency: zero\n    profiles:\n      sim-lite: { context_window: 32000, faults: ["server_error;times=1"] }',
        `  m: { provider: sim, upstream: sim-lite, ${PRICE} }`,
      ),
      { env: {} },
    );
    const sim = config.providers.get('sim');
    expect(sim?.forwardHeaders).toEqual(['x-sim-fault']);
    expect(sim?.sim?.latency).toBe('zero');
    expect(sim?.sim?.profiles['sim-lite']).toMatchObject({
      contextWindow: 32_000,
      faults: ['server_error;times=1'],
    });
    expect(sim?.sim?.profiles['sim-lite']?.tokensPerSecond).toBeGreaterThan(0); // kept from the tier
    expect(sim?.sim?.profiles['sim-strong']).toBeDefined();
    expect(config.models.get('m')).toMatchObject({ contextWindow: 32_000, source: 'default' });
  });

  it('requires every field of a new profile, valid faults, and a profile for each model', async () => {
    const issues = await issuesOf(
      simConfig(
        '    profiles:\n      custom: { tokens_per_second: 10 }\n      sim-mid: { faults: [explode] }',
        `  m: { provider: sim, upstream: sim-typo, ${PRICE} }`,
      ),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'providers.sim.profiles.custom',
      'providers.sim.profiles.sim-mid.faults[0]',
      'models.m.upstream',
    ]);
    expect(issues[0]?.message).toMatch(/must set ttft_ms, context_window/);
    expect(issues[1]?.message).toMatch(/Unknown fault 'explode'/);
    expect(issues[2]?.message).toMatch(/no sim profile "sim-typo"/);
  });

  it('requires prices for simulated models', async () => {
    const issues = await issuesOf(simConfig('', '  m: { provider: sim, upstream: sim-mid }'));
    expect(issues).toEqual([expect.objectContaining({ path: 'models.m.pricing' })]);
  });
});
