/**
 * The replay provider through the HTTP gateway: recorded answers served by prompt (as a prompt or as
 * messages, whitespace aside), streamed in several deltas, misses failing with upstream_not_found (so a
 * fallback chain moves on) or simulated, recorded latency waited out, and its config problems reported
 * at load with their paths.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';
import { UNRECORDED_RESPONSE_TEXT } from '../../src/providers/replay/adapter.ts';

const FIXTURE = join(import.meta.dirname, '../fixtures/outcomes-small.jsonl');

/** Only `cheap` on e1, with a recorded latency long enough to measure. */
const PARTIAL_OUTCOMES = `${JSON.stringify({
  id: 'slow',
  prompt: 'What is the capital of France?',
  outcomes: { cheap: { quality: 1, cost: 0.001, latency_ms: 300, response: 'Paris, slowly.' } },
})}\n`;

const CONFIG = `
server: { log_level: silent }
providers:
  recorded: { type: replay, outcomes: ${FIXTURE} }
  partial: { type: replay, outcomes: partial.jsonl, latency: recorded }
  lenient: { type: replay, outcomes: partial.jsonl, on_miss: simulate }
models:
  big: { provider: recorded, upstream: strong }
  small: { provider: recorded, upstream: cheap }
  slow-small: { provider: partial, upstream: cheap }
  simulated: { provider: lenient, upstream: cheap }
routes:
  - { name: chain, targets: [slow-small, big] }
`;

let directory: string;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-replay-'));
  await writeFile(join(directory, 'partial.jsonl'), PARTIAL_OUTCOMES);
  const config = await loadConfigText(CONFIG, { baseDir: directory, source: 'replay.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await rm(directory, { recursive: true, force: true });
});

interface Completion {
  readonly choices: readonly { message: { content: string }; finish_reason: string }[];
  readonly usage: { prompt_tokens: number; completion_tokens: number };
  readonly error?: { code: string; message: string };
}

async function ask(
  model: string,
  messages: readonly { role: string; content: string }[],
): Promise<{ status: number; body: Completion; headers: Headers }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages }),
  });
  return { status: response.status, body: (await response.json()) as Completion, headers: response.headers };
}

const user = (content: string) => [{ role: 'user', content }];

describe('replay provider', () => {
  it('answers with the recorded response of the model named as upstream', async () => {
    const big = await ask('big', user('How many legs does a spider have?'));
    const small = await ask('small', user('How many legs does a spider have?'));
    expect(big.status).toBe(200);
    expect(big.body.choices[0]?.message.content).toBe('Eight.');
    expect(big.headers.get('x-switchyard-model')).toBe('big');
    expect(small.body.choices[0]?.message.content).toBe('Six.');
    expect(small.body.choices[0]?.finish_reason).toBe('stop');
    expect(small.body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(small.body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('matches a recording given as messages, and ignores surrounding whitespace', async () => {
    const messages = [
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Name a primary colour.' },
    ];
    expect((await ask('big', messages)).body.choices[0]?.message.content).toBe('Red.');
    const padded = await ask('big', user('  What is the capital of France?\n'));
    expect(padded.body.choices[0]?.message.content).toBe('Paris.');
  });

  it('answers a placeholder for an outcome recorded without response text', async () => {
    const messages = [
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Name a primary colour.' },
    ];
    expect((await ask('small', messages)).body.choices[0]?.message.content).toBe(UNRECORDED_RESPONSE_TEXT);
  });

  it('streams the recorded text in several deltas, ending with [DONE]', async () => {
    const prompt =
      'Prove that the square root of two is irrational, giving every step of the argument by contradiction.';
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'big', messages: user(prompt), stream: true }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const deltas = events
      .slice(0, -1)
      .map(
        (data) =>
          (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content,
      )
      .filter((content) => content !== undefined && content !== '');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe((await ask('big', user(prompt))).body.choices[0]?.message.content);
  });

  it('fails a prompt with no recording with upstream_not_found', async () => {
    const missed = await ask('big', user('A prompt nobody recorded.'));
    expect(missed.status).toBe(502);
    expect(missed.body.error?.code).toBe('upstream_not_found');
    expect(missed.body.error?.message).toContain('No recording for this prompt and model "strong"');
    // A stream fails before it starts, so the client gets a plain error answer, not a broken stream.
    const streamed = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'big', messages: user('A prompt nobody recorded.'), stream: true }),
    });
    expect(streamed.status).toBe(502);
    expect(((await streamed.json()) as Completion).error?.code).toBe('upstream_not_found');
  });

  it('lets a fallback chain move on after a miss', async () => {
    const served = await ask('chain', user('How many legs does a spider have?'));
    expect(served.status).toBe(200);
    expect(served.headers.get('x-switchyard-model')).toBe('big');
    expect(served.body.choices[0]?.message.content).toBe('Eight.');
  });

  it('waits the recorded latency with latency: recorded', async () => {
    const started = performance.now();
    const served = await ask('slow-small', user('What is the capital of France?'));
    expect(served.body.choices[0]?.message.content).toBe('Paris, slowly.');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('answers a miss with simulated text under on_miss: simulate', async () => {
    const served = await ask('simulated', user('A prompt nobody recorded.'));
    expect(served.status).toBe(200);
    expect(served.body.choices[0]?.message.content.length).toBeGreaterThan(0);
    expect(served.body.choices[0]?.message.content).not.toBe('Paris, slowly.');
  });
});

describe('replay config', () => {
  async function problems(text: string): Promise<string[]> {
    const error = await loadConfigText(text, { baseDir: directory }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }

  it('reports a missing outcomes file at the provider', async () => {
    const found = await problems(`
providers: { recorded: { type: replay, outcomes: missing.jsonl } }
models: { big: { provider: recorded, upstream: strong } }
routes: [{ name: default, targets: [big] }]
`);
    expect(found).toEqual([
      expect.stringMatching(/^providers\.recorded\.outcomes: .*missing\.jsonl: cannot read: file not found$/),
    ]);
  });

  it('reports an upstream the outcomes never recorded, listing the recorded models', async () => {
    const found = await problems(`
providers: { recorded: { type: replay, outcomes: ${FIXTURE} } }
models: { big: { provider: recorded, upstream: gpt-9 } }
routes: [{ name: default, targets: [big] }]
`);
    expect(found).toEqual([
      expect.stringMatching(/^models\.big\.upstream: no outcomes recorded for "gpt-9" .*"cheap", "strong"/),
    ]);
  });

  it('rejects an unknown on_miss value', async () => {
    const found = await problems(`
providers: { recorded: { type: replay, outcomes: ${FIXTURE}, on_miss: guess } }
models: { big: { provider: recorded, upstream: strong } }
routes: [{ name: default, targets: [big] }]
`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^providers\.recorded\.on_miss: /);
  });
});
