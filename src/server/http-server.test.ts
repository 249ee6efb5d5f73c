/**
 * The HTTP surface without fastify's schema compilers: requests are decoded by the client protocols, so
 * no route declares a JSON schema, and one that did would fail loudly instead of being half-checked.
 */

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../app.ts';
import { loadConfigText } from '../config/load.ts';

const CONFIG = `
server: { log_level: silent }
request_log: { store: off }
providers:
  sim: { type: sim, latency: zero }
models:
  lite: { provider: sim, upstream: sim-lite, pricing: { input_per_million: 1, output_per_million: 2 } }
routes:
  - name: default
    targets: [lite]
`;

let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function startGateway(): Promise<Gateway> {
  gateway = await createGateway(
    await loadConfigText(CONFIG, { source: 'http-server.yaml' }),
    pino({ level: 'silent' }),
  );
  return gateway;
}

describe('http server without schema compilers', () => {
  it('serves chat completions and checks bodies through the client protocol', async () => {
    const { url } = await (await startGateway()).listen(0, '127.0.0.1');
    const answered = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'lite', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
    });
    expect(answered.status).toBe(200);
    const rejected = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'lite', messages: 'hi' }),
    });
    expect(rejected.status).toBe(400);
    const body = (await rejected.json()) as { error: { param?: string } };
    expect(body.error.param).toBe('messages');
  });

  it('refuses a route that declares a JSON schema, naming why', async () => {
    const { server } = await startGateway();
    server.post('/v1/schema-checked', { schema: { body: { type: 'object' } } }, async () => ({}));
    await expect(server.ready()).rejects.toThrow('routes declare no JSON schemas');
  });
});
