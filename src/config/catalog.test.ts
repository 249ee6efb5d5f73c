import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogProviderForUrl, lookupCatalog } from './catalog.ts';
import { inferTokenizer } from './tokenizer.ts';

describe('catalog', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('answers from bundled data only: no network call', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
    vi.stubGlobal('fetch', fetchSpy);
    const entry = await lookupCatalog('openai', 'gpt-4.1-mini');
    expect(entry).toEqual({
      contextWindow: 1_047_576,
      maxOutputTokens: 32_768,
      pricing: { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 },
      capabilities: { tools: true, vision: true },
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('maps dated snapshots to their entry and keeps cache-write prices', async () => {
    const entry = await lookupCatalog('anthropic', 'claude-sonnet-4-20250514');
    expect(entry?.pricing).toEqual({
      inputPerMillion: 3,
      outputPerMillion: 15,
      cachedInputPerMillion: 0.3,
      cacheWritePerMillion: 3.75,
    });
    expect(entry?.contextWindow).toBe(200_000);
  });

  it('takes the base rate of tiered prices', async () => {
    const entry = await lookupCatalog('google', 'gemini-2.5-pro');
    expect(entry?.pricing?.inputPerMillion).toBe(1.25);
    expect(entry?.contextWindow).toBe(1_048_576);
  });

  it('falls back to models.dev prices where genai-prices has none', async () => {
    const entry = await lookupCatalog('together', 'deepseek-ai/DeepSeek-V3');
    expect(entry?.pricing).toMatchObject({ inputPerMillion: 1.25, outputPerMillion: 1.25 });
  });

  it('knows nothing of unknown models or providers', async () => {
    expect(await lookupCatalog('openai', 'gpt-9-ultra')).toBeUndefined();
    expect(await lookupCatalog('no-such-provider', 'gpt-4o')).toBeUndefined();
  });

  it('recognises providers by base URL', async () => {
    expect(await catalogProviderForUrl('https://api.openai.com/v1')).toBe('openai');
    expect(await catalogProviderForUrl('https://api.groq.com/openai/v1')).toBe('groq');
    expect(await catalogProviderForUrl('https://api.together.xyz/v1')).toBe('together');
    expect(await catalogProviderForUrl('http://localhost:11434/v1')).toBeUndefined();
  });
});

describe('inferTokenizer', () => {
  it.each([
    ['gpt-4o-mini', 'o200k'],
    ['gpt-4.1', 'o200k'],
    ['o3-mini', 'o200k'],
    ['o1', 'o200k'],
    ['gpt-5', 'o200k'],
    ['openai/gpt-oss-120b', 'o200k'],
    ['gpt-4-turbo', 'cl100k'],
    ['gpt-3.5-turbo', 'cl100k'],
    ['llama-3.3-70b-versatile', 'estimate'],
    ['omni-model', 'estimate'],
  ])('%s → %s', (name, family) => {
    expect(inferTokenizer(name)).toBe(family);
  });
});
