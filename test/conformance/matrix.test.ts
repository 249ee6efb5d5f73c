/**
 * The translation matrix: one scenario list, run for every client protocol (OpenAI, Anthropic — each
 * through its official SDK) × every upstream adapter (openai, openai-compatible, anthropic, gemini),
 * over real sockets, gateway in the middle, the simulator speaking each vendor's wire format upstream.
 * Adapter-level details (exact wire fields, recorded fixtures) are the adapter conformance suite's job;
 * this suite proves the pairs agree end to end.
 */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { anthropicClient, openAIClient, type Ask, type InboundClient } from './matrix/clients.ts';

const OUTBOUND = ['openai', 'openai-compatible', 'anthropic', 'gemini'] as const;
type Outbound = (typeof OUTBOUND)[number];

const PRICE_IN = 0.5;
const PRICE_OUT = 2;

function providerYaml(outbound: Outbound): string {
  const path = outbound === 'gemini' ? '/v1beta' : '/v1';
  return `
  ${outbound}-out:
    type: ${outbound}
    base_url: \${SIM_ORIGIN}${path}
    api_key: test-key
    forward_headers: [x-sim-fault]
    timeouts: { connect_ms: 1000, headers_ms: 3000, body_idle_ms: 2000 }`;
}

function modelYaml(outbound: Outbound): string {
  return `
  via-${outbound}:
    provider: ${outbound}-out
    upstream: sim-lite
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: ${PRICE_IN}, output_per_million: ${PRICE_OUT} }`;
}

const CONFIG = `
server: { log_level: silent }
providers:${OUTBOUND.map(providerYaml).join('')}
models:${OUTBOUND.map(modelYaml).join('')}
routes:
  - { name: default, targets: [via-openai] }
`;

let simulator: RunningSimulator;
let gateway: Gateway;
let gatewayUrl: string;

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  const config = await loadConfigText(CONFIG, {
    env: { SIM_ORIGIN: simulator.origin },
    source: 'matrix.yaml',
  });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  gatewayUrl = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

const SYSTEM_PROMPT =
  'You are the routing assistant of a logistics company. Answer in one short sentence, in a friendly tone, ' +
  'and never mention internal tooling, prices or the names of the models that serve the request.';
const QUESTION = { role: 'user', text: 'Where is my parcel right now?' } as const;

const CLIENTS: readonly ((url: string) => InboundClient)[] = [openAIClient, anthropicClient];

for (const makeClient of CLIENTS) {
  for (const outbound of OUTBOUND) {
    const inbound = makeClient('http://unused').label;
    describe(`${inbound} client → ${outbound} upstream`, () => {
      let client: InboundClient;
      const model = `via-${outbound}`;
      const ask = (overrides: Partial<Ask> = {}): Ask => ({
        model,
        turns: [QUESTION],
        maxTokens: 24,
        ...overrides,
      });
      beforeAll(() => {
        client = makeClient(gatewayUrl);
      });

      it('plain text: an answer, a finish reason, usage, routing headers', async () => {
        const answer = await client.ask(ask());
        expect(answer.text.length).toBeGreaterThan(0);
        expect(['stop', 'length']).toContain(answer.finish);
        expect(answer.toolCalls).toEqual([]);
        expect(answer.inputTokens).toBeGreaterThan(0);
        expect(answer.outputTokens).toBeGreaterThan(0);
        expect(answer.headers.get('x-switchyard-model')).toBe(model);
        expect(answer.headers.get('x-switchyard-provider')).toBe(`${outbound}-out`);
      });

      it('streaming: the same facts, assembled from the stream', async () => {
        const answer = await client.ask(ask({ stream: true }));
        expect(answer.text.length).toBeGreaterThan(0);
        expect(['stop', 'length']).toContain(answer.finish);
        expect(answer.inputTokens).toBeGreaterThan(0);
        expect(answer.outputTokens).toBeGreaterThan(0);
        expect(answer.headers.get('x-switchyard-model')).toBe(model);
      });

      it('multi-turn with a system prompt: every turn and the system prompt reach the upstream', async () => {
        const turns = [QUESTION, { role: 'assistant', text: 'It left the depot.' }, QUESTION] as const;
        const bare = await client.ask(ask({ turns }));
        const withSystem = await client.ask(ask({ turns, system: SYSTEM_PROMPT }));
        const single = await client.ask(ask());
        // Token counts come from the upstream: they grow with what it was actually sent.
        expect(bare.inputTokens).toBeGreaterThan(single.inputTokens + 8);
        expect(withSystem.inputTokens).toBeGreaterThan(bare.inputTokens + 20);
        expect(withSystem.text.length).toBeGreaterThan(0);
      });

      for (const stream of [false, true]) {
        it(`tool call round trip${stream ? ', streamed arguments' : ''}`, async () => {
          const weather = { role: 'user', text: 'What is the weather in Paris?' } as const;
          const first = await client.ask(ask({ turns: [weather], forceTool: true, stream, maxTokens: 200 }));
          expect(first.finish).toBe('tool_calls');
          expect(first.toolCalls).toHaveLength(1);
          const call = first.toolCalls[0]!;
          expect(call.name).toBe('get_weather');
          expect(call.id.length).toBeGreaterThan(0);
          expect(typeof call.arguments.city).toBe('string');
          const second = await client.answerToolCall(
            ask({ turns: [weather], stream, maxTokens: 30 }),
            call,
            '18 degrees and sunny',
          );
          expect(second.text.length).toBeGreaterThan(0);
          expect(second.toolCalls).toEqual([]);
        });
      }

      it.skipIf(inbound === 'anthropic')('JSON mode: the answer is a JSON object', async () => {
        for (const stream of [false, true]) {
          const answer = await client.ask(ask({ jsonObject: true, stream, maxTokens: 200 }));
          expect(typeof JSON.parse(answer.text)).toBe('object');
        }
      });

      it('stop reasons: the output cap is reported as a length stop', async () => {
        for (const stream of [false, true]) {
          const answer = await client.ask(ask({ maxTokens: 2, stream }));
          expect(answer.finish).toBe('length');
          expect(answer.outputTokens).toBe(2);
        }
      });

      it('usage and cost: the cost header is the configured price of the reported tokens', async () => {
        const answer = await client.ask(ask());
        const expected = (answer.inputTokens * PRICE_IN + answer.outputTokens * PRICE_OUT) / 1_000_000;
        expect(Number(answer.headers.get('x-switchyard-cost-usd'))).toBeCloseTo(expected, 8);
      });

      it('upstream errors arrive in the client’s own shape, with status and retry-after', async () => {
        const limited = await client.fail(ask({ fault: 'rate_limit; retry_after=2' }));
        expect(limited.status).toBe(429);
        expect(limited.type).toBe('rate_limit_error');
        expect(limited.retryAfter).toBe('2');

        const broken = await client.fail(ask({ fault: 'server_error' }));
        expect(broken.status).toBe(502);
        expect(broken.type).toBe(inbound === 'openai' ? 'server_error' : 'api_error');

        const tooLong = await client.fail(ask({ fault: 'context_length_exceeded' }));
        expect(tooLong.status).toBe(400);
        expect(tooLong.type).toBe('invalid_request_error');
        expect(tooLong.message.length).toBeGreaterThan(0);
      });
    });
  }
}
