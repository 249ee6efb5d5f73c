import { describe, expect, it } from 'vitest';
import { SIM_TIER_NAMES } from '../sim/profiles.ts';
import { loadDefaultConfig } from './load.ts';

const ALL_KEYS = {
  OPENAI_API_KEY: 'sk-test',
  GROQ_API_KEY: 'gsk-test',
  TOGETHER_API_KEY: 'tg-test',
  OLLAMA_BASE_URL: 'http://localhost:11434/v1',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  GEMINI_API_KEY: 'gm-test',
};
const SIMULATED = ['sim', 'sim-anthropic', 'sim-gemini'];

describe('the built-in default config', () => {
  it('runs on the simulator alone when no keys are set, with the four tiers', async () => {
    const config = await loadDefaultConfig({ env: {} });
    expect([...config.providers.keys()]).toEqual(SIMULATED);
    expect(config.providers.get('sim-anthropic')?.sim?.wire).toBe('anthropic');
    expect(config.providers.get('sim-gemini')?.sim?.wire).toBe('gemini');
    expect([...config.models.keys()].sort()).toEqual([...SIM_TIER_NAMES].sort());
    expect(config.defaultRoute).toBe('default');
    expect(config.routes.get('default')).toEqual({
      name: 'default',
      strategy: 'fallback',
      targets: ['sim-mid', 'sim-strong'],
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
    expect([...config.routes.keys()]).toEqual(['default', 'fast', 'strong', 'long']);
    expect(config.inactiveProviders.map((provider) => provider.name)).toEqual([
      'openai',
      'groq',
      'together',
      'ollama',
      'anthropic',
      'gemini',
    ]);
  });

  it('prices and sizes the tiers like real models of their class', async () => {
    const config = await loadDefaultConfig({ env: {} });
    const figures = (id: string): [number | undefined, number | undefined, number | undefined] => {
      const model = config.models.get(id);
      return [model?.pricing.inputPerMillion, model?.pricing.outputPerMillion, model?.contextWindow];
    };
    expect(figures('sim-lite')).toEqual([0.1, 0.4, 128_000]);
    expect(figures('sim-mid')).toEqual([0.4, 1.6, 128_000]);
    expect(figures('sim-strong')).toEqual([2.5, 10, 200_000]);
    expect(figures('sim-long')).toEqual([1.25, 5, 1_000_000]);
    expect(config.models.get('sim-mid')?.capabilities).toMatchObject({
      tools: true,
      jsonSchema: true,
      logprobs: true,
    });
  });

  it('switches on every real provider when its variable is set, with catalog figures', async () => {
    const config = await loadDefaultConfig({ env: ALL_KEYS });
    expect(config.inactiveProviders).toEqual([]);
    expect([...config.providers.keys()]).toEqual([
      ...SIMULATED,
      'openai',
      'groq',
      'together',
      'ollama',
      'anthropic',
      'gemini',
    ]);
    expect(config.providers.get('anthropic')).toMatchObject({
      baseUrl: 'https://api.anthropic.com/v1',
      auth: { header: 'x-api-key', prefix: '' },
      headers: { 'anthropic-version': '2023-06-01' },
    });
    expect(config.providers.get('gemini')).toMatchObject({
      baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
      auth: { header: 'x-goog-api-key', prefix: '' },
    });
    expect(config.providers.get('openai')?.apiKey).toBe('sk-test');
    expect(config.providers.get('ollama')).toMatchObject({
      baseUrl: 'http://localhost:11434/v1',
      auth: { prefix: '' },
    });
    for (const model of config.models.values()) {
      if (SIMULATED.includes(model.provider) || model.provider === 'ollama') continue;
      expect(model.source, model.id).toBe('catalog');
      expect(model.contextWindow, model.id).toBeGreaterThanOrEqual(100_000);
      expect(model.pricing.inputPerMillion, model.id).toBeGreaterThan(0);
    }
    expect(config.models.get('gpt-4.1')?.tokenizer).toBe('o200k');
    expect(config.routes.get('openai')?.targets).toEqual(['gpt-4.1-mini', 'gpt-4.1']);
  });

  it('activates only the provider whose key is present', async () => {
    const config = await loadDefaultConfig({ env: { GROQ_API_KEY: 'gsk-test' } });
    expect([...config.providers.keys()]).toEqual([...SIMULATED, 'groq']);
    expect(config.routes.has('groq')).toBe(true);
    expect(config.routes.has('openai')).toBe(false);
  });
});
