/**
 * Routing on the intent signal end to end. The embedding path: the simulator's `/v1/embeddings` (lexical
 * hashed vectors) embeds the configured examples at startup and each request's last user turn before
 * routing; rules then read `intent` and `intent_confidence` like any signal.
 */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { ConfigError, loadConfigText } from '../../src/config/load.ts';

const PRICE = 'pricing: { input_per_million: 1, output_per_million: 2 }';

const EMBEDDING_CONFIG = `
server: { log_level: silent }
providers:
  sim: { type: sim, latency: zero }
models:
  lite: { provider: sim, upstream: sim-lite, ${PRICE} }
  strong: { provider: sim, upstream: sim-strong, ${PRICE} }
  embedder: { provider: sim, upstream: sim-lite, ${PRICE} }
signals:
  intent:
    embeddings: embedder
    examples:
      billing: [I was charged twice on my invoice, refund the duplicate charge on my card, why is my invoice higher this month, update the card used for billing, cancel my subscription billing]
      shipping: [where is my package right now, track the shipment of my order, my parcel delivery is late, change the delivery address of my order, when will the package arrive]
routes:
  - name: billing
    match: 'intent == "billing" && intent_confidence > 0.2'
    targets: [strong]
  - name: default
    targets: [lite]
`;

interface RecordJson {
  readonly decision: {
    readonly route: string;
    readonly rules: readonly { route: string; reads: readonly { signal: string; value: unknown }[] }[];
  };
}

let gateway: Gateway;
let url: string;

beforeAll(async () => {
  const config = await loadConfigText(EMBEDDING_CONFIG, { source: 'intent.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
});

async function route(text: string): Promise<{ route: string | null; record: RecordJson }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: text }], max_tokens: 8 }),
  });
  expect(response.status).toBe(200);
  await response.text();
  const id = response.headers.get('x-switchyard-request-id') ?? '';
  const record = (await (await fetch(`${url}/v1/requests/${id}`)).json()) as RecordJson;
  return { route: response.headers.get('x-switchyard-route'), record };
}

describe('intent signal (embeddings)', () => {
  it('routes by the intent of the last user turn, and records what the rule read', async () => {
    const billing = await route('please refund the duplicate charge on my invoice');
    expect(billing.route).toBe('billing');
    const reads = billing.record.decision.rules.find((rule) => rule.route === 'billing')?.reads ?? [];
    expect(reads[0]).toEqual({ signal: 'intent', value: 'billing' });
    expect(reads[1]?.signal).toBe('intent_confidence');
    expect(reads[1]?.value).toBeGreaterThan(0.2);

    expect((await route('where is my parcel, the delivery is late')).route).toBe('default');
  });

  it('explains a decision with the same signal', async () => {
    const response = await fetch(`${url}/v1/route/explain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'auto',
        messages: [{ role: 'user', content: 'cancel my subscription billing' }],
      }),
    });
    const explained = (await response.json()) as {
      decision: { route: string };
      signals_read: Record<string, unknown>;
    };
    expect(explained.decision.route).toBe('billing');
    expect(explained.signals_read.intent).toBe('billing');
  });
});

const IN_PROCESS_CONFIG = `
server: { log_level: silent }
providers:
  sim: { type: sim, latency: zero }
models:
  lite: { provider: sim, upstream: sim-lite, ${PRICE} }
  strong: { provider: sim, upstream: sim-strong, ${PRICE} }
signals:
  intent:
    examples:
      billing: [I was charged twice on my invoice, refund the duplicate charge on my card, why is my invoice higher this month, update the card used for billing, cancel my subscription billing, the bill is wrong]
      shipping: [where is my package right now, track the shipment of my order, my parcel delivery is late, change the delivery address of my order, when will the package arrive, the courier lost my box]
      greeting: [hello there, hi, good morning, hey how are you, greetings, nice to meet you]
routes:
  - name: billing
    match: 'intent == "billing"'
    targets: [strong]
  - name: default
    targets: [lite]
`;

describe('intent signal (in process, few-shot examples)', () => {
  it('trains at startup and routes by the intent', async () => {
    const config = await loadConfigText(IN_PROCESS_CONFIG, { source: 'intent-few-shot.yaml' });
    const local = await createGateway(config, pino({ level: 'silent' }));
    const localUrl = (await local.listen(0, '127.0.0.1')).url;
    try {
      const ask = async (text: string): Promise<string | null> => {
        const response = await fetch(`${localUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: text }], max_tokens: 8 }),
        });
        await response.text();
        return response.headers.get('x-switchyard-route');
      };
      expect(await ask('I was charged twice, refund my card')).toBe('billing');
      expect(await ask('where is my parcel')).toBe('default');
    } finally {
      await local.close();
    }
  });

  it('refuses to start on data no classifier can learn, naming signals.intent', async () => {
    const oneIntent = IN_PROCESS_CONFIG.replace(/\n {6}shipping: .*\n {6}greeting: .*/u, '');
    const config = await loadConfigText(oneIntent, { source: 'intent-one.yaml' });
    const error = await createGateway(config, pino({ level: 'silent' })).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]?.path).toBe('signals.intent');
  });
});
