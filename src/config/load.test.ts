import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG_PATH, findConfigFile, loadConfig, loadConfigText } from './load.ts';
import { SERVER_DEFAULTS } from './defaults.ts';
import { configIssues as issuesOf } from './testing.ts';

const MINIMAL = `
providers:
  local:
    type: openai-compatible
    base_url: http://localhost:8000/v1/
models:
  small:
    provider: local
    context_window: 8192
    pricing: { input_per_million: 0, output_per_million: 0 }
routes:
  - name: main
    targets: [small]
`;

describe('a valid config', () => {
  it('resolves with every default applied', async () => {
    const config = await loadConfigText(MINIMAL, { env: {} });
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 8080,
      bodyLimitBytes: 4 * 1024 * 1024,
      requestTimeoutMs: SERVER_DEFAULTS.requestTimeoutMs,
      requestRecords: SERVER_DEFAULTS.requestRecords,
      logLevel: 'info',
    });
    const provider = config.providers.get('local');
    expect(provider).toMatchObject({
      type: 'openai-compatible',
      baseUrl: 'http://localhost:8000/v1',
      apiKey: undefined,
      auth: { header: 'authorization', prefix: 'Bearer ' },
      timeouts: { connectMs: 10_000, headersMs: 300_000, bodyIdleMs: 120_000 },
      forwardHeaders: [],
      sim: undefined,
    });
    expect(config.models.get('small')).toEqual({
      id: 'small',
      provider: 'local',
      upstreamModel: 'small',
      contextWindow: 8192,
      maxOutputTokens: 4096,
      pricing: { inputPerMillion: 0, outputPerMillion: 0 },
      // Nothing known about this model: assumed able, so the upstream has the last word.
      capabilities: {
        tools: true,
        parallelToolCalls: true,
        jsonObject: true,
        jsonSchema: true,
        vision: true,
        logprobs: true,
        assistantPrefill: true,
      },
      tokenizer: 'estimate',
      tags: [],
      source: 'config',
    });
    expect(config.routes.get('main')).toEqual({
      name: 'main',
      strategy: 'single',
      targets: ['small'],
      onUnsupported: 'strict',
      match: undefined,
      pinned: false,
      requireTags: [],
      weights: undefined,
      sticky: 'conversation_id',
      contextOverflow: 'reject',
      rerouteTo: undefined,
      summarizeWith: undefined,
      retry: { attempts: 1, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000, budget: 3 },
      deadlineMs: 300_000,
      firstTokenMs: undefined,
      commit: { mode: 'first-token', bufferChars: 32_768, resume: 'off' },
      hedge: undefined,
      logBodies: false,
    });
    expect(config.defaultRoute).toBe('main');
    expect(config.inactiveProviders).toEqual([]);
  });

  it('fills an OpenAI model from the catalog and lets config override it field by field', async () => {
    const config = await loadConfigText(
      `
providers:
  openai: { type: openai, api_key: sk-test }
models:
  mini: { provider: openai, upstream: gpt-4o-mini }
  big:
    provider: openai
    upstream: gpt-4.1
    context_window: 200000
    pricing: { input_per_million: 1, output_per_million: 4 }
    capabilities: { vision: false, json_schema: true }
routes:
  - { name: main, targets: [mini, big] }
`,
      { env: {} },
    );
    expect(config.providers.get('openai')).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      apiKey: 'sk-test',
    });
    const mini = config.models.get('mini');
    expect(mini).toMatchObject({
      upstreamModel: 'gpt-4o-mini',
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
      capabilities: { tools: true, vision: true, jsonSchema: true },
      tokenizer: 'o200k',
      source: 'catalog',
    });
    const big = config.models.get('big');
    expect(big).toMatchObject({
      contextWindow: 200_000,
      maxOutputTokens: 32_768, // not configured: still from the catalog
      pricing: { inputPerMillion: 1, outputPerMillion: 4 },
      capabilities: { tools: true, vision: false, jsonSchema: true },
    });
    expect(big?.pricing.cachedInputPerMillion).toBeUndefined(); // config pricing replaces the catalog's whole
    expect(config.routes.get('main')?.strategy).toBe('fallback');
  });

  it('finds the catalog of an OpenAI-compatible provider from its base URL, or from catalog:', async () => {
    const config = await loadConfigText(
      `
providers:
  groq: { type: openai-compatible, base_url: "https://api.groq.com/openai/v1" }
  proxy: { type: openai-compatible, base_url: "http://proxy.internal/v1", catalog: together }
models:
  llama: { provider: groq, upstream: llama-3.3-70b-versatile }
  deepseek: { provider: proxy, upstream: deepseek-ai/DeepSeek-V3 }
routes:
  - { name: main, targets: [llama, deepseek] }
`,
      { env: {} },
    );
    expect(config.models.get('llama')).toMatchObject({
      contextWindow: 131_072,
      pricing: { inputPerMillion: 0.59 },
    });
    expect(config.models.get('deepseek')).toMatchObject({ contextWindow: 131_072, source: 'catalog' });
  });

  it('resolves an Azure-style provider: api-key header without scheme, api-version query', async () => {
    const config = await loadConfigText(
      `
providers:
  azure:
    type: openai-compatible
    base_url: https://example.openai.azure.com/openai/deployments/gpt4o
    api_key: \${AZURE_KEY}
    auth: { header: Api-Key, scheme: none }
    query: { api-version: "2024-10-21" }
models:
  gpt4o: { provider: azure, context_window: 128000, pricing: { input_per_million: 2.5, output_per_million: 10 } }
routes: [{ name: main, targets: [gpt4o] }]
`,
      { env: { AZURE_KEY: 'azure-secret' } },
    );
    expect(config.providers.get('azure')).toMatchObject({
      apiKey: 'azure-secret',
      auth: { header: 'api-key', prefix: '' },
      query: { 'api-version': '2024-10-21' },
    });
  });

  it('names the default route explicitly and versions the source text', async () => {
    const text = `${MINIMAL}  - { name: second, targets: [small] }\ndefault_route: second\n`;
    const config = await loadConfigText(text, { env: {} });
    expect(config.defaultRoute).toBe('second');
    expect(config.version).toMatch(/^[0-9a-f]{12}$/);
    expect((await loadConfigText(text, { env: {} })).version).toBe(config.version);
    expect((await loadConfigText(MINIMAL, { env: {} })).version).not.toBe(config.version);
  });

  it('is deeply frozen, maps included', async () => {
    const config = await loadConfigText(MINIMAL, { env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.models.get('small')?.pricing)).toBe(true);
    expect(Object.isFrozen(config.routes.get('main')?.targets)).toBe(true);
    const models = config.models as Map<string, unknown>;
    expect(() => models.set('x', {})).toThrow(/read-only/);
    expect(() => models.delete('small')).toThrow(/read-only/);
    expect(config.models.has('small')).toBe(true);
  });
});

describe('rejected configs', () => {
  it('rejects unknown keys with their path and position, all at once', async () => {
    const issues = await issuesOf(`
server:
  prot: 8080
providers:
  local:
    type: openai
    latency: zero
models:
  small:
    provider: local
    pricing: { input_per_million: 1, output_per_millon: 2 }
routes:
  - { name: main, targets: [small] }
`);
    expect(issues).toEqual([
      { path: 'server.prot', message: 'unknown key "prot"', line: 3, column: 3 },
      { path: 'providers.local.latency', message: 'unknown key "latency"', line: 7, column: 5 },
      expect.objectContaining({
        path: 'models.small.pricing.output_per_million',
        message: 'required (number)',
      }),
      expect.objectContaining({
        path: 'models.small.pricing.output_per_millon',
        message: 'unknown key "output_per_millon"',
      }),
    ]);
  });

  it('reports every bad cross-reference together, with paths and known names', async () => {
    const text = `
providers:
  local: { type: openai-compatible, base_url: "http://localhost:1/v1" }
models:
  small: { provider: lokal, context_window: 10, pricing: { input_per_million: 0, output_per_million: 0 } }
  other: { provider: local, context_window: 10, pricing: { input_per_million: 0, output_per_million: 0 } }
routes:
  - { name: main, targets: [small, gpt-5x] }
  - { name: main, strategy: single, targets: [small, other] }
default_route: missing
`;
    const issues = await issuesOf(text);
    expect(issues.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'models.small.provider: unknown provider "lokal" (known: "local")',
      'routes[0].targets[1]: unknown model "gpt-5x" (known: "small", "other")',
      'routes[1].name: duplicate route name "main" (first at routes[0])',
      'routes[1].targets: strategy "single" takes exactly one target, got 2',
      'default_route: unknown route "missing" (known: "main")',
    ]);
    const routeLine = text.split('\n')[7] ?? '';
    expect(routeLine).toContain('gpt-5x');
    expect(issues[1]).toMatchObject({ line: 8, column: routeLine.indexOf('gpt-5x') + 1 });
  });

  it('requires a context window and prices the catalog cannot supply, naming the field', async () => {
    const issues = await issuesOf(`
providers:
  vllm: { type: openai-compatible, base_url: "http://gpu-box:8000/v1" }
  openai: { type: openai }
models:
  llama: { provider: vllm, upstream: meta-llama/Llama-3.1-8B-Instruct }
  future: { provider: openai, upstream: gpt-9-ultra }
routes: [{ name: main, targets: [llama, future] }]
`);
    expect(issues.map((issue) => issue.path)).toEqual([
      'models.llama.context_window',
      'models.llama.pricing',
      'models.future.context_window',
      'models.future.pricing',
    ]);
    expect(issues[0]?.message).toMatch(/no catalog matches provider "vllm"/);
    expect(issues[2]?.message).toMatch(/catalog has no "gpt-9-ultra" for "openai"/);
  });

  it('reports reference and resolution problems in the same run', async () => {
    const issues = await issuesOf(`
providers:
  vllm: { type: openai-compatible, base_url: "http://gpu-box:8000/v1" }
models:
  llama: { provider: vllm }
routes: [{ name: main, targets: [llama, typo] }]
`);
    expect(issues.map((issue) => issue.path)).toEqual([
      'routes[0].targets[1]',
      'models.llama.context_window',
      'models.llama.pricing',
    ]);
  });

  it('defaults to the first route without a rule when default_route is not given', async () => {
    const config = await loadConfigText(
      `
providers:
  local: { type: openai-compatible, base_url: "http://127.0.0.1:8000/v1" }
models:
  a: { provider: local, context_window: 8192, pricing: { input_per_million: 0, output_per_million: 0 } }
routes:
  - { name: guarded, targets: [a], match: has_tools }
  - { name: everyday, targets: [a] }
`,
      { env: {} },
    );
    expect(config.defaultRoute).toBe('everyday');
  });

  it('rejects routing mistakes: bad rules, split settings and reroute targets, each at its path', async () => {
    const issues = await issuesOf(`
providers:
  local: { type: openai-compatible, base_url: "http://127.0.0.1:8000/v1" }
models:
  a: { provider: local, context_window: 8192, pricing: { input_per_million: 0, output_per_million: 0 } }
  b: { provider: local, context_window: 8192, pricing: { input_per_million: 0, output_per_million: 0 } }
routes:
  - { name: r0, targets: [a], match: 'convo_length > "eight"' }
  - { name: r1, strategy: split, targets: [a, b], weights: [1] }
  - { name: r2, strategy: split, targets: [a, b], weights: [1, 1], sticky: convo_length }
  - { name: r3, targets: [a], weights: [1] }
  - { name: r4, targets: [a], context_overflow: reroute }
  - { name: r5, targets: [a], context_overflow: reroute, reroute_to: nope }
`);
    expect(issues.map((issue) => issue.path)).toEqual([
      'routes[1].weights',
      'routes[2].sticky',
      'routes[3].weights',
      'routes[4].reroute_to',
      'routes[5].reroute_to',
      'routes[0].match',
    ]);
    expect(issues.at(-1)?.message).toContain('(at 1:16 of the rule)');
  });

  it('rejects type-specific mistakes: base_url missing or on a sim provider, bad type, bad URL', async () => {
    const issues = await issuesOf(`
providers:
  a: { type: openai-compatible }
  b: { type: sim, base_url: "http://x/v1" }
  c: { type: bedrock }
  d: { type: openai, base_url: not-a-url }
models: {}
routes: [{ name: main, targets: [x] }]
`);
    expect(issues.map((issue) => issue.path)).toEqual([
      'providers.a.base_url',
      'providers.b.base_url',
      'providers.c.type',
      'providers.d.base_url',
    ]);
    expect(issues[3]?.message).toBe('must be an http(s) URL');
  });

  it('reports YAML syntax errors with their line', async () => {
    const issues = await issuesOf('providers:\n  a: [unclosed\nmodels: {}\n');
    expect(issues[0]?.message).toMatch(/^YAML syntax/);
    expect(issues[0]?.line).toBeGreaterThan(1);
  });

  it('rejects a document that is not a mapping', async () => {
    expect((await issuesOf('- just\n- a list\n'))[0]?.message).toMatch(/must be a YAML mapping/);
  });

  it('formats one issue per line with path, message and position', async () => {
    const error = await loadConfigText('server: { prot: 1 }\nproviders: {}\nmodels: {}\nroutes: []\n', {
      env: {},
      source: 'my.yaml',
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).format().split('\n')).toEqual([
      'Invalid configuration in my.yaml (2 issues):',
      '  server.prot: unknown key "prot"  (my.yaml:1:11)',
      expect.stringMatching(/^ {2}routes: .*>=1 items {2}\(my\.yaml:4:9\)$/),
    ]);
  });
});

describe('loadConfig file resolution', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('uses the built-in default when the directory has no switchyard.yaml', () => {
    expect(findConfigFile({ cwd: directory })).toBe(DEFAULT_CONFIG_PATH);
  });

  it('prefers ./switchyard.yaml, and an explicit path over both', async () => {
    await writeFile(join(directory, 'switchyard.yaml'), MINIMAL);
    expect(findConfigFile({ cwd: directory })).toBe(join(directory, 'switchyard.yaml'));
    expect(findConfigFile({ cwd: directory, path: 'other.yaml' })).toBe(join(directory, 'other.yaml'));
    const config = await loadConfig({ cwd: directory, env: {} });
    expect([...config.models.keys()]).toEqual(['small']);
  });

  it('rejects a missing explicit file with a clear message', async () => {
    const error = await loadConfig({ path: join(directory, 'nope.yaml') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).format()).toContain('cannot read the config file: file not found');
  });
});
