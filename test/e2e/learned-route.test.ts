/**
 * A learned route serving through the gateway: a router trained (here, in the test) on outcomes where
 * the strong model alone solves maths proofs and both solve small talk, then the gateway routing live
 * requests by its predictions under each policy, with the predictions in the request's record.
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';
import type { OutcomeRecord } from '../../src/learning/router/outcomes.ts';
import { trainRouter } from '../../src/learning/router/train.ts';

const HARD_TOPICS = [
  'integral',
  'eigenvalues',
  'induction proof',
  'prime factorisation',
  'limit',
  'derivative',
];
const EASY_TOPICS = ['weather', 'a joke', 'hello', 'your name', 'a nice day', 'good morning'];

function outcomes(): OutcomeRecord[] {
  const records: OutcomeRecord[] = [];
  for (const [index, topic] of HARD_TOPICS.entries()) {
    for (const [variant, phrase] of [
      'Prove the theorem about',
      'Compute step by step the',
      'Solve the exam question on',
    ].entries()) {
      records.push({
        id: `hard-${index}-${variant}`,
        prompt: `${phrase} ${topic} and show the working.`,
        outcomes: { strong: { quality: 1, cost: 0.01 }, weak: { quality: 0, cost: 0.0001 } },
      });
    }
  }
  for (const [index, topic] of EASY_TOPICS.entries()) {
    for (const [variant, phrase] of [
      'Say something about',
      'Tell me about',
      'Chat with me about',
    ].entries()) {
      records.push({
        id: `easy-${index}-${variant}`,
        prompt: `${phrase} ${topic}.`,
        outcomes: { strong: { quality: 1, cost: 0.01 }, weak: { quality: 1, cost: 0.0001 } },
      });
    }
  }
  return records;
}

const PRICE = 'pricing: { input_per_million: 1, output_per_million: 2 }';

const CONFIG = `
server: { log_level: silent }
providers:
  sim: { type: sim, latency: zero }
models:
  big: { provider: sim, upstream: sim-strong, ${PRICE} }
  small: { provider: sim, upstream: sim-lite, ${PRICE} }
routes:
  - name: utility
    strategy: learned
    targets: [big, small]
    learned: { router: router.json, policy: max-utility, lambda: 50, models: { big: strong, small: weak } }
  - name: pair
    strategy: learned
    targets: [big, small]
    learned: { router: router.json, policy: strong-weak, strong: big, weak: small, threshold: 0.3, models: { big: strong, small: weak } }
  - name: reach
    strategy: learned
    targets: [big, small]
    learned: { router: router.json, policy: quality-target, target: 0.7, models: { big: strong, small: weak } }
`;

interface LearnedRecord {
  readonly decision: {
    readonly targets: readonly string[];
    readonly learned: {
      readonly policy: string;
      readonly model: string;
      readonly candidates: readonly { model: string; predictedQuality: number; cost: number }[];
    };
  };
}

let directory: string;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-learned-'));
  await writeFile(join(directory, 'router.json'), JSON.stringify(trainRouter(outcomes())));
  const config = await loadConfigText(CONFIG, { baseDir: directory, source: 'learned.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
});

async function ask(route: string, prompt: string): Promise<{ model: string | null; record: LearnedRecord }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: route, messages: [{ role: 'user', content: prompt }], max_tokens: 8 }),
  });
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('x-switchyard-request-id') ?? '';
  const record = (await (await fetch(`${url}/v1/requests/${id}`)).json()) as LearnedRecord;
  return { model: response.headers.get('x-switchyard-model'), record };
}

const HARD = 'Prove the theorem about eigenvalues and show the working.';
const EASY = 'Tell me about the weather.';

describe('learned route', () => {
  it('sends what only the strong model solves to it, and the rest to the cheap one (max-utility)', async () => {
    const hard = await ask('utility', HARD);
    expect(hard.model).toBe('big');
    expect(hard.record.decision.targets).toEqual(['big', 'small']);
    const easy = await ask('utility', EASY);
    expect(easy.model).toBe('small');
    const learned = easy.record.decision.learned;
    expect(learned.policy).toBe('max-utility');
    const predicted = Object.fromEntries(learned.candidates.map((candidate) => [candidate.model, candidate]));
    expect(predicted.small?.cost).toBeCloseTo(0.0001, 8);
    expect(predicted.big?.predictedQuality).toBeGreaterThan(0.5);
    expect(predicted.small?.predictedQuality).toBeGreaterThan(0.5);
  });

  it('applies the strong/weak threshold and the quality target', async () => {
    expect((await ask('pair', HARD)).model).toBe('big');
    expect((await ask('pair', EASY)).model).toBe('small');
    expect((await ask('reach', HARD)).model).toBe('big');
    expect((await ask('reach', EASY)).model).toBe('small');
  });

  it('refuses a config whose targets the router does not know, or whose policy lacks its number', async () => {
    const bad = CONFIG.replace('lambda: 50, models: { big: strong, small: weak }', 'models: { big: strong }');
    const error = await loadConfigText(bad, { baseDir: directory }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    const messages = (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages).toContain('routes[0].learned.lambda: required with policy: max-utility');
    expect(messages.some((message) => message.includes('target "small" is not a model of the router'))).toBe(
      true,
    );
  });
});
