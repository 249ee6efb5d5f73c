/** The Gemini adapter end to end against the simulator's Gemini wire, over the real transport. */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest, Message } from '../../core/request.ts';
import type { StreamBatch, StreamPart } from '../../core/response.ts';
import type { CallContext, ProviderAdapter } from '../contract.ts';
import { createSimAdapter } from '../sim/adapter.ts';
import { createHttpTransport, type HttpTransport } from '../transport/http-transport.ts';
import { simProvider, testModel } from '../../../test/support/fixtures.ts';

const provider = simProvider('gemini', {
  name: 'sim-gemini',
  apiKey: 'test-key',
  auth: { header: 'x-goog-api-key', prefix: '' },
});

const model = testModel({
  id: 'flash',
  provider: 'sim-gemini',
  pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
});

const ask: Message = { role: 'user', content: [{ type: 'text', text: 'Name three rivers.' }] };
const request: ChatRequest = {
  model: 'flash',
  messages: [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, ask],
  sampling: { temperature: 0.3 },
  stream: false,
  includeUsage: true,
  metadata: {},
};
const weatherTool = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function context(fault?: string): CallContext {
  return {
    requestId: 'test',
    signal: new AbortController().signal,
    ...(fault === undefined ? {} : { extraHeaders: { 'x-sim-fault': fault } }),
  };
}

async function collect(stream: AsyncIterable<StreamBatch>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const batch of stream) parts.push(...batch);
  return parts;
}

describe('gemini adapter against the simulator', () => {
  let transport: HttpTransport;
  let adapter: ProviderAdapter;
  beforeAll(async () => {
    transport = createHttpTransport();
    adapter = await createSimAdapter(provider, { transport });
  });
  afterAll(async () => {
    await adapter.close();
    await transport.close();
  });

  it('declares what the Gemini format can carry', () => {
    expect(adapter.parameters).toEqual({ topK: true, seed: true, penalties: true });
    expect(adapter.capabilities(model)).toMatchObject({
      parallelToolCalls: false,
      logprobs: false,
      assistantPrefill: false,
      vision: true,
    });
  });

  it('generates, and a stream of the same request carries the same text and usage', async () => {
    const capped = { ...request, maxOutputTokens: 10 };
    const whole = await adapter.generate(capped, model, context());
    expect(whole.upstreamModel).toBe('sim-lite');
    expect(whole.id.length).toBeGreaterThan(0);
    expect(whole.finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
    expect(whole.usage?.outputTokens).toBe(10);

    const parts = await collect(await adapter.stream({ ...capped, stream: true }, model, context()));
    const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    expect(text).toBe(whole.text);
    expect(parts.at(-2)).toEqual({ type: 'usage', usage: whole.usage });
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: whole.finishReason });
  });

  it('makes a tool call, then answers its result in text', async () => {
    const withTools: ChatRequest = { ...request, tools: [weatherTool], toolChoice: { type: 'required' } };
    const called = await adapter.generate(withTools, model, context());
    const call = called.toolCalls[0];
    expect(call).toMatchObject({ id: `call_${called.id}_0`, name: 'get_weather' });
    expect(called.finishReason).toEqual({ unified: 'tool_calls', raw: 'STOP' });

    const answered = await adapter.generate(
      {
        ...request,
        tools: [weatherTool],
        messages: [
          ask,
          { role: 'assistant', content: [], toolCalls: [call!] },
          { role: 'tool', content: [{ type: 'text', text: 'Rainy, 12°C' }], toolCallId: call!.id },
        ],
      },
      model,
      context(),
    );
    expect(answered.toolCalls).toEqual([]);
    expect(answered.text.length).toBeGreaterThan(0);
    expect(answered.finishReason.unified).toBe('stop');
  });

  it('answers JSON that follows the schema', async () => {
    const schema = {
      type: 'object',
      properties: { river: { type: 'string' }, km: { type: 'integer' } },
      required: ['river', 'km'],
      additionalProperties: false,
    };
    const response = await adapter.generate(
      { ...request, responseFormat: { type: 'json_schema', name: 'river', schema } },
      model,
      context(),
    );
    const value = JSON.parse(response.text) as { river: unknown; km: unknown };
    expect(typeof value.river).toBe('string');
    expect(Number.isInteger(value.km)).toBe(true);
  });

  it.each([
    ['rate_limit;retry_after=2', 'upstream_rate_limited', 2000],
    ['rate_limit_no_retry_after', 'upstream_rate_limited', undefined],
    ['unavailable', 'upstream_unavailable', undefined],
    ['server_error', 'upstream_server_error', undefined],
    ['context_length_exceeded', 'context_length_exceeded', undefined],
    ['content_policy', 'content_filtered', undefined],
  ] as const)('fault %s → %s, before a stream begins too', async (fault, code, retryAfterMs) => {
    for (const call of [
      () => adapter.generate(request, model, context(fault)),
      () => adapter.stream({ ...request, stream: true }, model, context(fault)),
    ]) {
      const error: unknown = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe(code);
      expect((error as GatewayError).details.retryAfterMs).toBe(retryAfterMs);
    }
  });

  it.each([
    ['stream_truncate;after=3', { type: 'error', error: { code: 'stream_truncated' } }],
    ['malformed_chunk;at=2', { type: 'error', error: { code: 'upstream_bad_response' } }],
    // Gemini streams have no end marker to leave out: the stream is whole.
    ['missing_done', { type: 'finish', finishReason: { unified: 'stop', raw: 'STOP' } }],
  ] as const)('stream fault %s ends the stream as expected', async (fault, last) => {
    const parts = await collect(await adapter.stream({ ...request, stream: true }, model, context(fault)));
    expect(parts[0]?.type).toBe('stream-start');
    expect(parts.at(-1)).toMatchObject(last);
  });
});
