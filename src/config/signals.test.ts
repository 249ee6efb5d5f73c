import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigText } from './load.ts';

const BASE = `
providers: { sim: { type: sim } }
models:
  fast: { provider: sim, upstream: sim-lite, pricing: { input_per_million: 0.1, output_per_million: 0.4 } }
`;

async function problems(text: string, baseDir?: string): Promise<string[]> {
  try {
    await loadConfigText(text, baseDir === undefined ? {} : { baseDir });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
}

describe('signals config', () => {
  it('tunes the complexity tier, keeping defaults for unnamed weights', async () => {
    const config = await loadConfigText(
      `${BASE}routes: [{ name: r, targets: [fast] }]\nsignals: { complexity: { extended_at: 6, weights: { code: 3 } } }`,
    );
    expect(config.signals.complexity.extendedAt).toBe(6);
    expect(config.signals.complexity.boundedAt).toBe(1.5);
    expect(config.signals.complexity.weights.code).toBe(3);
    expect(config.signals.complexity.weights.length).toBe(1);
    expect(config.signals.intent).toBeUndefined();
  });

  it('takes intent examples, and files relative to the config', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'switchyard-signals-'));
    await writeFile(join(directory, 'intents.jsonl'), '{"text":"hi","label":"greet"}\n');
    const examples = await loadConfigText(
      `${BASE}routes: [{ name: r, targets: [fast], match: 'intent == "billing"' }]\nsignals: { intent: { examples: { billing: [refund me] } } }`,
    );
    expect(examples.signals.intent?.source).toEqual({
      kind: 'examples',
      examples: { billing: ['refund me'] },
    });
    const data = await loadConfigText(
      `${BASE}routes: [{ name: r, targets: [fast] }]\nsignals: { intent: { data: intents.jsonl, embeddings: fast } }`,
      { baseDir: directory },
    );
    expect(data.signals.intent).toEqual({
      source: { kind: 'data', path: join(directory, 'intents.jsonl') },
      embeddingsModel: 'fast',
      minConfidence: undefined,
    });
  });

  it('names each problem with its path', async () => {
    const routes = `routes: [{ name: r, targets: [fast], match: 'intent_confidence < 0.5' }]`;
    expect(await problems(`${BASE}${routes}`)).toEqual([
      'routes[0].match: reads intent_confidence, but no intent classifier is configured (signals.intent: docs/classifier.md)',
    ]);
    const plain = `${BASE}routes: [{ name: r, targets: [fast] }]\n`;
    expect(await problems(`${plain}signals: { intent: {} }`)).toEqual([
      'signals.intent: give one of model (a trained artifact), data (labelled JSONL) or examples (utterances per intent)',
    ]);
    expect(await problems(`${plain}signals: { intent: { model: m.json, data: d.jsonl } }`)).toEqual([
      'signals.intent: give only one of model, data',
    ]);
    const missing = await problems(`${plain}signals: { intent: { model: nowhere.json } }`, '/tmp');
    expect(missing).toEqual(['signals.intent.model: file not found: /tmp/nowhere.json']);
    expect(await problems(`${plain}signals: { intent: { examples: { a: [x] }, embeddings: nope } }`)).toEqual(
      [expect.stringMatching(/^signals\.intent\.embeddings: unknown model "nope"/)],
    );
  });
});
