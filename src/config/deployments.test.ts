import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.ts';
import { configIssues as issuesOf } from './testing.ts';

const PRICED = 'context_window: 8192, pricing: { input_per_million: 1, output_per_million: 2 }';
/** The same, as block-style lines of a model indented by four spaces. */
const PRICED_LINES = 'context_window: 8192\n    pricing: { input_per_million: 1, output_per_million: 2 }';

/** Three providers with different tags (plus `providers`), the given `models`, one route to `m`. */
function configWith(models: string, providers = ''): string {
  return `
providers:
  east: { type: openai-compatible, base_url: "http://east.internal/v1", tags: [eu, zdr] }
  west: { type: openai-compatible, base_url: "http://west.internal/v1", tags: [eu] }
  north: { type: openai-compatible, base_url: "http://north.internal/v1", tags: [zdr] }
${providers}
models:
${models}
routes:
  - { name: main, targets: [m] }
`;
}

describe('deployments of a model', () => {
  it('resolve each with its own provider and upstream, carrying weight, rpm, tpm and gate', async () => {
    const config = await loadConfigText(
      configWith(`
  m:
    provider: east
    upstream: llama-east
    ${PRICED_LINES}
    weight: 3
    rpm: 600
    gate: { max_concurrency: 4, max_queue: 2, queue_timeout_ms: 500 }
    balance: least-in-flight
    deployments:
      - { provider: west, upstream: llama-west, weight: 1, tpm: 90000 }
      - { provider: north, gate: { max_concurrency: 1 } }
`),
      { env: {} },
    );
    const pool = config.deployments.get('m');
    expect(pool?.balance).toBe('least-in-flight');
    expect(pool?.deployments.map((entry) => entry.id)).toEqual([
      'east/llama-east',
      'west/llama-west',
      // No upstream of its own: the model's.
      'north/llama-east',
    ]);
    const [east, west, north] = pool?.deployments ?? [];
    expect(east).toMatchObject({
      weight: 3,
      rpm: 600,
      tpm: undefined,
      gate: { maxConcurrency: 4, maxQueue: 2, queueTimeoutMs: 500 },
      model: { id: 'm', provider: 'east', upstreamModel: 'llama-east', contextWindow: 8192 },
    });
    expect(west).toMatchObject({
      weight: 1,
      rpm: undefined,
      tpm: 90_000,
      gate: undefined,
      model: { id: 'm', provider: 'west', upstreamModel: 'llama-west', contextWindow: 8192 },
    });
    // Unweighted deployments take an equal share; a gate's queue and wait have defaults.
    expect(north).toMatchObject({
      weight: 1,
      gate: { maxConcurrency: 1, maxQueue: 64, queueTimeoutMs: 10_000 },
      model: { provider: 'north', upstreamModel: 'llama-east' },
    });
    // The model routes see is its primary deployment.
    expect(config.models.get('m')).toMatchObject({ provider: 'east', upstreamModel: 'llama-east' });
  });

  it('make every model a single deployment of its provider when it lists none', async () => {
    const config = await loadConfigText(configWith(`  m: { provider: west, ${PRICED} }`), { env: {} });
    expect(config.deployments.get('m')).toEqual({
      balance: 'weighted',
      deployments: [
        {
          id: 'west/m',
          model: config.models.get('m'),
          weight: 1,
          rpm: undefined,
          tpm: undefined,
          gate: undefined,
        },
      ],
    });
    expect(config.models.get('m')?.tags).toEqual(['eu']);
  });

  it('give a deployment its own catalog prices and window when the model does not set them', async () => {
    const config = await loadConfigText(
      configWith(
        `
  m:
    provider: openai
    upstream: gpt-4o-mini
    deployments: [{ provider: openai-eu, upstream: gpt-4o }]
`,
        `  openai: { type: openai, api_key: sk-a }
  openai-eu: { type: openai, base_url: "https://eu.api.openai.com/v1", api_key: sk-b, catalog: openai }`,
      ),
      { env: {} },
    );
    const [mini, full] = config.deployments.get('m')?.deployments ?? [];
    expect(mini?.model).toMatchObject({ upstreamModel: 'gpt-4o-mini', pricing: { inputPerMillion: 0.15 } });
    expect(full?.model).toMatchObject({
      provider: 'openai-eu',
      upstreamModel: 'gpt-4o',
      pricing: { inputPerMillion: 2.5 },
    });
  });

  it('tag the model with its own tags plus the provider tags every deployment shares', async () => {
    const config = await loadConfigText(
      configWith(`
  m:
    provider: east
    ${PRICED_LINES}
    tags: [no-training]
    deployments: [{ provider: west }]
  solo: { provider: east, ${PRICED} }
`),
      { env: {} },
    );
    // east has [eu, zdr], west only [eu]: zdr cannot be promised for every call.
    expect([...(config.models.get('m')?.tags ?? [])].sort()).toEqual(['eu', 'no-training']);
    for (const entry of config.deployments.get('m')?.deployments ?? []) {
      expect([...entry.model.tags].sort()).toEqual(['eu', 'no-training']);
    }
    expect([...(config.models.get('solo')?.tags ?? [])].sort()).toEqual(['eu', 'zdr']);
  });

  it('leave out a deployment whose provider is switched off, keeping the model', async () => {
    const config = await loadConfigText(
      configWith(
        `  m: { provider: east, ${PRICED}, deployments: [{ provider: cloud }, { provider: west }] }`,
        '  cloud: { type: openai-compatible, base_url: "http://cloud/v1", requires_env: [CLOUD_KEY] }',
      ),
      { env: {} },
    );
    expect(config.deployments.get('m')?.deployments.map((entry) => entry.id)).toEqual(['east/m', 'west/m']);
  });

  it('accept a drained deployment (weight 0) as long as another has weight', async () => {
    const config = await loadConfigText(
      configWith(`  m: { provider: east, ${PRICED}, weight: 0, deployments: [{ provider: west }] }`),
      { env: {} },
    );
    expect(config.deployments.get('m')?.deployments.map((entry) => entry.weight)).toEqual([0, 1]);
  });
});

describe('rejected deployments', () => {
  it('name an unknown deployment provider by its path, with the known providers', async () => {
    const text = configWith(`
  m:
    provider: east
    ${PRICED_LINES}
    deployments:
      - { provider: west }
      - { provider: sooth }
`);
    const issues = await issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'models.m.deployments[1].provider',
        message: 'unknown provider "sooth" (known: "east", "west", "north")',
      }),
    ]);
    const line = text.split('\n').findIndex((row) => row.includes('sooth')) + 1;
    expect(issues[0]?.line).toBe(line);
  });

  it('reject a deployment listed twice, including one repeating the model itself', async () => {
    const issues = await issuesOf(
      configWith(`
  m:
    provider: east
    upstream: a
    ${PRICED_LINES}
    deployments:
      - { provider: east }
      - { provider: west, upstream: b }
      - { provider: west, upstream: b, weight: 2 }
`),
    );
    expect(issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'models.m.deployments[0]: deployment "east/a" is listed twice',
      'models.m.deployments[2]: deployment "west/b" is listed twice',
    ]);
  });

  it('reject a model whose deployments all have weight 0', async () => {
    const issues = await issuesOf(
      configWith(
        `  m: { provider: east, ${PRICED}, weight: 0, deployments: [{ provider: west, weight: 0 }] }`,
      ),
    );
    expect(issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'models.m.weight: at least one deployment needs a weight above 0',
    ]);
  });

  it("point at the deployment's own upstream when its provider cannot serve it", async () => {
    const text = `
providers:
  sim-a: { type: sim }
  sim-b: { type: sim }
models:
  m:
    provider: sim-a
    upstream: sim-lite
    pricing: { input_per_million: 1, output_per_million: 2 }
    deployments: [{ provider: sim-b, upstream: sim-nope }]
routes: [{ name: main, targets: [m] }]
`;
    const issues = await issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({
        // Not models.m.upstream: that one (sim-lite) is fine.
        path: 'models.m.deployments[0].upstream',
        message: expect.stringContaining('no sim profile "sim-nope" in provider "sim-b"') as unknown,
      }),
    ]);
    expect(issues[0]?.line).toBe(text.split('\n').findIndex((row) => row.includes('sim-nope')) + 1);
  });

  it('reject bad limits and unknown keys by their path', async () => {
    const issues = await issuesOf(
      configWith(`
  m:
    provider: east
    ${PRICED_LINES}
    balance: random
    deployments:
      - { provider: west, weight: -1, rpm: 0, colour: blue }
      - { provider: north, gate: { max_concurrency: 0, max_queue: -1 } }
      - { upstream: x }
`),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'models.m.balance',
        'models.m.deployments[0].colour',
        'models.m.deployments[0].rpm',
        'models.m.deployments[0].weight',
        'models.m.deployments[1].gate.max_concurrency',
        'models.m.deployments[1].gate.max_queue',
        'models.m.deployments[2].provider',
      ].sort(),
    );
  });
});
