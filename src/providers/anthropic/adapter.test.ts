/** The Anthropic adapter against the simulator's Anthropic wire: encoding, SSE decoding and errors end to end. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { StreamBatch, StreamPart } from '../../core/response.ts';
import { startSimulator, type RunningSimulator } from '../../sim/server.ts';
import type { CallContext, ProviderAdapter } from '../contract.ts';
import { createHttpTransport, type HttpTransport } from '../transport/http-transport.ts';
import { createAnthropicAdapter } from './adapter.ts';
import { testModel } from '../../../test/support/fixtures.ts';

const model = testModel({
  id: 'claude',
  provider: 'anthropic',
  upstreamModel: 'sim-mid',
  pricing: { inputPerMillion: 3, outputPerMillion: 15 },
});

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude',
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  sampling: {},
  stream: false,
  includeUsage: true,
  metadata: {},
  ...extra,
});

const WEATHER_TOOL = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
};

function context(fault?: string): CallContext {
  return {
    requestId: 'test',
    signal: new AbortController().signal,
    extraHeaders: fault === undefined ? undefined : { 'x-sim-fault': fault },
  };
}

async function collect(stream: AsyncIterable<StreamBatch>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const batch of stream) parts.push(...batch);
  return parts;
}
const textOf = (parts: readonly StreamPart[]) =>
  parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('anthropic adapter against the simulator', () => {
  let sim: RunningSimulator;
  let transport: HttpTransport;
  let adapter: ProviderAdapter;
  beforeAll(async () => {
    sim = await startSimulator({ latency: 'zero', seed: 11 });
    transport = createHttpTransport();
    const provider: ResolvedProvider = {
      name: 'anthropic',
      type: 'anthropic',
      baseUrl: `${sim.origin}/v1`,
      apiKey: 'sk-ant-test',
      auth: { header: 'x-api-key', prefix: '' },
      headers: { 'anthropic-version': '2023-06-01' },
      query: {},
      timeouts: { connectMs: 1_000, headersMs: 2_000, bodyIdleMs: 2_000 },
      maxConnections: 4,
      forwardHeaders: [],
      defaultMaxTokens: undefined,
      sim: undefined,
    };
    adapter = createAnthropicAdapter(provider, transport);
  });
  afterAll(async () => {
    await transport.close();
    await sim.close();
  });

  it('generate and stream give the same text and usage', async () => {
    const request = ask('Describe the harbour.', { maxOutputTokens: 40 });
    const whole = await adapter.generate(request, model, context());
    const parts = await collect(await adapter.stream({ ...request, stream: true }, model, context()));
    expect(whole.id).toMatch(/^msg_/);
    expect(textOf(parts)).toBe(whole.text);
    expect(parts.find((part) => part.type === 'usage')).toEqual({ type: 'usage', usage: whole.usage });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: whole.finishReason });
    expect(whole.finishReason.unified).toMatch(/^(stop|length)$/);
  });

  it('tool calls round-trip: the call, then its result on the next turn', async () => {
    const request = ask('Please get weather in Oslo.', { tools: [WEATHER_TOOL] });
    const first = await adapter.generate(request, model, context());
    expect(first.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_use' });
    const call = first.toolCalls[0]!;
    expect(call.name).toBe('get_weather');
    expect(typeof (JSON.parse(call.arguments) as { city: unknown }).city).toBe('string');

    const streamed = await collect(await adapter.stream({ ...request, stream: true }, model, context()));
    expect(streamed.filter((part) => part.type === 'tool-call-start')).toEqual([
      { type: 'tool-call-start', index: 0, id: call.id, name: 'get_weather' },
    ]);

    const second = await adapter.generate(
      {
        ...request,
        messages: [
          ...request.messages,
          { role: 'assistant', content: [], toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: call.id, content: [{ type: 'text', text: '4°C, rain' }] },
        ],
      },
      model,
      context(),
    );
    expect(second.finishReason.raw).toBe('end_turn');
    expect(second.text.length).toBeGreaterThan(0);
  });

  it('json_schema is emulated both ways: JSON text that fits the schema, finish stop', async () => {
    const request = ask('The largest city in Japan?', {
      responseFormat: { type: 'json_schema', name: 'city', schema: CITY_SCHEMA },
    });
    const whole = await adapter.generate(request, model, context());
    const value = JSON.parse(whole.text) as { city: unknown; population: unknown };
    expect(typeof value.city).toBe('string');
    expect(Number.isInteger(value.population)).toBe(true);
    expect(whole.toolCalls).toEqual([]);
    expect(whole.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });

    const parts = await collect(await adapter.stream({ ...request, stream: true }, model, context()));
    expect(textOf(parts)).toBe(whole.text);
    expect(parts.some((part) => part.type.startsWith('tool-call'))).toBe(false);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: { unified: 'stop', raw: 'tool_use' } });
  });

  it('json_object answers an object', async () => {
    const whole = await adapter.generate(
      ask('Give me a JSON object.', { responseFormat: { type: 'json_object' } }),
      model,
      context(),
    );
    expect(typeof JSON.parse(whole.text)).toBe('object');
  });

  it('maps upstream failures with their retryability', async () => {
    const failure = (fault: string) =>
      adapter.generate(ask('hi'), model, context(fault)).then(
        () => expect.unreachable('expected a failure'),
        (error: unknown) => error as GatewayError,
      );
    const rateLimited = await failure('rate_limit;retry_after=3');
    expect(rateLimited).toBeInstanceOf(GatewayError);
    expect(rateLimited.code).toBe('upstream_rate_limited');
    expect(rateLimited.details.retryAfterMs).toBe(3000);
    expect(rateLimited.details.cause).toEqual({ requestId: expect.stringMatching(/^req_/) as unknown });

    const overloaded = await failure('unavailable');
    expect(overloaded.code).toBe('upstream_overloaded');
    expect(overloaded.details.upstreamStatus).toBe(529);
    expect(overloaded.spec.retryable).toBe(true);

    expect((await failure('context_length_exceeded')).code).toBe('context_length_exceeded');
    expect((await failure('content_policy')).code).toBe('content_filtered');
    expect((await failure('server_error')).code).toBe('upstream_server_error');
  });

  it('a stream cut short or corrupted ends with the right error part', async () => {
    const lastOf = async (fault: string) => {
      const parts = await collect(await adapter.stream(ask('hi', { stream: true }), model, context(fault)));
      return parts.at(-1);
    };
    expect(await lastOf('stream_truncate;after=2')).toMatchObject({ error: { code: 'stream_truncated' } });
    expect(await lastOf('missing_done')).toMatchObject({ error: { code: 'stream_truncated' } });
    expect(await lastOf('malformed_chunk;at=4')).toMatchObject({ error: { code: 'upstream_bad_response' } });
  });
});
