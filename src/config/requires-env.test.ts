import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.ts';
import { configIssues as issuesOf } from './testing.ts';

describe('requires_env', () => {
  const TEXT = `
providers:
  local: { type: openai-compatible, base_url: "http://localhost:1/v1" }
  cloud:
    type: openai-compatible
    requires_env: [CLOUD_KEY]
    base_url: \${CLOUD_URL:-https://cloud.example/v1}
    api_key: \${CLOUD_KEY}
models:
  small: { provider: local, context_window: 1000, pricing: { input_per_million: 0, output_per_million: 0 } }
  big:
    provider: cloud
    context_window: 100000
    pricing: { input_per_million: 1, output_per_million: 2 }
    upstream: \${CLOUD_MODEL}
routes:
  - { name: main, strategy: fallback, targets: [big, small] }
  - { name: cloud-only, targets: [big] }
`;

  it('drops an inactive provider, its models and empty routes, and records why', async () => {
    const config = await loadConfigText(TEXT, { env: {} });
    expect([...config.providers.keys()]).toEqual(['local']);
    expect([...config.models.keys()]).toEqual(['small']);
    expect(config.routes.get('main')?.targets).toEqual(['small']);
    expect(config.routes.has('cloud-only')).toBe(false);
    expect(config.inactiveProviders).toEqual([{ name: 'cloud', missingEnv: ['CLOUD_KEY'] }]);
  });

  it('treats an empty variable as unset', async () => {
    const config = await loadConfigText(TEXT, { env: { CLOUD_KEY: '' } });
    expect(config.providers.has('cloud')).toBe(false);
  });

  it('activates the provider when its variables are set, and then unset placeholders are errors', async () => {
    const issues = await issuesOf(TEXT, { CLOUD_KEY: 'k' });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'models.big.upstream',
        message: expect.stringMatching(/CLOUD_MODEL is not set/) as string,
      }),
    ]);
    const config = await loadConfigText(TEXT, { env: { CLOUD_KEY: 'k', CLOUD_MODEL: 'big-1' } });
    expect(config.providers.get('cloud')).toMatchObject({ apiKey: 'k', baseUrl: 'https://cloud.example/v1' });
    expect(config.models.get('big')?.upstreamModel).toBe('big-1');
    expect(config.routes.get('main')?.targets).toEqual(['big', 'small']);
    expect(config.routes.get('cloud-only')?.strategy).toBe('single');
  });

  it('still checks an inactive provider for unknown keys, and route targets against its models', async () => {
    const unknownKey = TEXT.replace(
      'requires_env: [CLOUD_KEY]',
      'requires_env: [CLOUD_KEY]\n    colour: blue',
    );
    expect((await issuesOf(unknownKey)).map((issue) => issue.path)).toEqual(['providers.cloud.colour']);
    const typo = TEXT.replace('targets: [big]', 'targets: [bigg]');
    expect(await issuesOf(typo)).toEqual([
      expect.objectContaining({
        path: 'routes[1].targets[0]',
        message: 'unknown model "bigg" (known: "small", "big")',
      }),
    ]);
  });

  it('is an error when the default route is left without targets', async () => {
    const issues = await issuesOf(`${TEXT}default_route: cloud-only\n`);
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'routes[1].targets',
        message: 'the default route "cloud-only" has no active target: provider "cloud" needs CLOUD_KEY',
      }),
    ]);
  });
});
