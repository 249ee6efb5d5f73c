/**
 * The official @anthropic-ai/sdk against the gateway's `/v1/messages`, routed to OpenAI-format models
 * (an openai-compatible provider at the simulator): Anthropic in, OpenAI out, over real sockets.
 */

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let client: Anthropic;
beforeAll(async () => {
  stack = await startStack();
  client = new Anthropic({ baseURL: stack.gatewayUrl, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await stack.close();
});

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city'],
  },
};

describe('anthropic SDK → /v1/messages → OpenAI-format upstream', () => {
  it('answers a message with text, stop reason, usage and routing headers', async () => {
    const { data, response } = await client.messages
      .create({
        model: 'auto',
        max_tokens: 12,
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'Say hello to the gateway' }],
      })
      .withResponse();
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.content[0]?.type).toBe('text');
    expect((data.content[0] as Anthropic.TextBlock).text.length).toBeGreaterThan(0);
    expect(['end_turn', 'max_tokens']).toContain(data.stop_reason);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeLessThanOrEqual(12);
    expect(response.headers.get('x-switchyard-model')).toBe('fast');
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
  });

  it('streams: the SDK assembles the same message from events, with final usage', async () => {
    const stream = client.messages.stream({
      model: 'fast',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Tell me about routing' }],
    });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const message = await stream.finalMessage();
    expect(text.length).toBeGreaterThan(0);
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text })]);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(['end_turn', 'max_tokens']).toContain(message.stop_reason);
  });

  it('round-trips a tool call, non-streaming and streamed', async () => {
    const first = await client.messages.create({
      model: 'fast',
      max_tokens: 200,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call).toBeDefined();
    expect(call?.name).toBe('get_weather');
    expect(typeof (call?.input as { city?: unknown }).city).toBe('string');

    const streamed = await client.messages
      .stream({
        model: 'fast',
        max_tokens: 200,
        tools: [weatherTool],
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      })
      .finalMessage();
    const streamedCall = streamed.content.find((block) => block.type === 'tool_use');
    expect(streamedCall?.name).toBe('get_weather');
    expect(typeof (streamedCall?.input as { city?: unknown }).city).toBe('string');
    expect(streamed.stop_reason).toBe('tool_use');

    // The result goes back as a tool_result block and the model answers in text.
    const second = await client.messages.create({
      model: 'fast',
      max_tokens: 30,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call!.id, content: '18°C and sunny' }],
        },
      ],
    });
    expect(second.content.some((block) => block.type === 'text')).toBe(true);
  });

  it('errors come back in Anthropic shape: validation, unknown model, upstream rate limit', async () => {
    const invalid = await client.messages
      // @ts-expect-error -- max_tokens is required by the API; the gateway must say so.
      .create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] })
      .catch((thrown: unknown) => thrown);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    const invalidBody = (invalid as InstanceType<typeof Anthropic.BadRequestError>).error as {
      type: string;
      error: { type: string; message: string };
    };
    expect(invalidBody.type).toBe('error');
    expect(invalidBody.error.type).toBe('invalid_request_error');
    expect(invalidBody.error.message).toContain('max_tokens');

    const missing = await client.messages
      .create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((thrown: unknown) => thrown);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);

    const limited = await client.messages
      .create({ model: 'limited', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] })
      .catch((thrown: unknown) => thrown);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.RateLimitError>).headers.get('retry-after')).toBe('3');
  });

  it('a stream that breaks after it started ends with an error event, never a clean message_stop', async () => {
    const stream = client.messages.stream(
      { model: 'fast', max_tokens: 40, messages: [{ role: 'user', content: 'Tell me a long story' }] },
      { headers: { 'x-sim-fault': 'stream_cut; after=3' } },
    );
    let received = '';
    stream.on('text', (delta) => (received += delta));
    await expect(stream.finalMessage()).rejects.toThrow(/stream/i);
    expect(received.length).toBeGreaterThan(0); // it had started: the failure came in-band
  });

  it('refuses features it cannot carry with a field-level error', async () => {
    const refused = await client.messages
      .create({
        model: 'fast',
        max_tokens: 5,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(
      ((refused as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { message: string } })
        .error.message,
    ).toContain('thinking');
  });
});
