import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.ts';

// Every YAML example in these pages must load, so the docs cannot drift from the code.
const PAGES = ['configuration.md', 'resilience.md', 'cascades.md'];
const pages = await Promise.all(
  PAGES.map((page) => readFile(join(import.meta.dirname, '../../docs', page), 'utf8')),
);
const examples = pages.flatMap((text) =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? ''),
);
const env = {
  OPENAI_API_KEY: 'sk-test',
  GROQ_API_KEY: 'gsk-test',
  TOGETHER_API_KEY: 'tg-test',
  AZURE_OPENAI_API_KEY: 'az-test',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  GEMINI_API_KEY: 'gm-test',
  PROXY_TOKEN: 'proxy-test',
};

describe('YAML examples in docs/configuration.md, docs/resilience.md and docs/cascades.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples.map((text, index) => [index, text] as const))('example %i loads', async (_index, text) => {
    const config = await loadConfigText(text, { env });
    expect(config.routes.size).toBeGreaterThan(0);
    expect(config.inactiveProviders).toEqual([]);
  });
});
