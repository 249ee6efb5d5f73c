/** The official Anthropic SDK against the standalone simulator: proof that its Anthropic wire is the real one. */

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

describe('anthropic SDK against the simulator', () => {
  let sim: RunningSimulator;
  let client: Anthropic;
  beforeAll(async () => {
    sim = await startSimulator({ latency: 'zero', seed: 3 });
    // Silent: the malformed-event test would otherwise print the SDK's parse complaint.
    client = new Anthropic({ baseURL: sim.origin, apiKey: 'not-needed', maxRetries: 0, logLevel: 'off' });
  });
  afterAll(() => sim.close());

  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Summarise the plan.' }];

  it('creates a message', async () => {
    const message = await client.messages.create({
      model: 'sim-strong',
      system: 'You are terse.',
      messages,
      max_tokens: 12,
    });
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('sim-strong');
    expect(message.stop_reason).toBe('max_tokens');
    const block = message.content[0];
    expect(block?.type).toBe('text');
    expect(block?.type === 'text' && block.text.length > 0).toBe(true);
    expect(message.usage.output_tokens).toBe(12);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('streams, and the SDK helper assembles the same message', async () => {
    const whole = await client.messages.create({ model: 'sim-lite', messages, max_tokens: 400 });
    const stream = client.messages.stream({ model: 'sim-lite', messages, max_tokens: 400 });
    let streamedText = '';
    stream.on('text', (delta) => (streamedText += delta));
    const final = await stream.finalMessage();
    const wholeText = whole.content[0]?.type === 'text' ? whole.content[0].text : undefined;
    expect(await stream.finalText()).toBe(wholeText);
    expect(streamedText).toBe(wholeText);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(whole.usage.input_tokens);
  });

  it('streams parallel tool calls that the SDK assembles into tool_use blocks', async () => {
    const tools: Anthropic.Tool[] = [
      {
        name: 'lookup_order',
        input_schema: {
          type: 'object',
          properties: { order_id: { type: 'string' }, include_items: { type: 'boolean' } },
          required: ['order_id', 'include_items'],
        },
      },
      {
        name: 'get_weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const final = await client.messages
      .stream({
        model: 'sim-mid',
        messages: [{ role: 'user', content: 'Please lookup order 42 and get weather in Paris.' }],
        tools,
        max_tokens: 500,
      })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const calls = final.content.filter((block) => block.type === 'tool_use');
    expect(calls.map((call) => call.name)).toEqual(['lookup_order', 'get_weather']);
    expect(calls.every((call) => call.id.startsWith('toolu_'))).toBe(true);
    const order = calls[0]?.input as { order_id: unknown; include_items: unknown };
    expect(typeof order.order_id).toBe('string');
    expect(typeof order.include_items).toBe('boolean');
  });

  it('answers a forced tool with one call, and accepts its result on the next turn', async () => {
    const tool: Anthropic.Tool = {
      name: 'get_weather',
      input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    };
    const first = await client.messages.create({
      model: 'sim-mid',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [tool],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      max_tokens: 200,
    });
    const call = first.content.find((block) => block.type === 'tool_use');
    expect(call?.name).toBe('get_weather');
    if (call?.type !== 'tool_use') return;
    const second = await client.messages.create({
      model: 'sim-mid',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C and sunny' }] },
      ],
      tools: [tool],
      max_tokens: 200,
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.type).toBe('text');
  });

  it('rejects a request without max_tokens as Anthropic does', async () => {
    const error = await client.messages
      .create({ model: 'sim-lite', messages } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const badRequest = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(badRequest.type).toBe('invalid_request_error');
    expect(badRequest.apiMessage).toBe('max_tokens: Field required');
  });

  it('maps simulated failures onto the SDK error classes', async () => {
    const call = (fault: string) =>
      client.messages
        .create({ model: 'sim-lite', messages, max_tokens: 50 }, { headers: { 'x-sim-fault': fault } })
        .catch((error: unknown) => error);

    const rateLimited = await call('rate_limit;retry_after=1');
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError);
    const rateError = rateLimited as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateError.type).toBe('rate_limit_error');
    expect(rateError.headers.get('retry-after')).toBe('1');
    expect(rateError.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(rateError.requestID).toMatch(/^req_/);

    const overloaded = await call('unavailable');
    expect(overloaded).toBeInstanceOf(Anthropic.InternalServerError);
    expect((overloaded as InstanceType<typeof Anthropic.InternalServerError>).status).toBe(529);
    expect((overloaded as InstanceType<typeof Anthropic.InternalServerError>).type).toBe('overloaded_error');

    const tooLong = await call('context_length_exceeded');
    expect(tooLong).toBeInstanceOf(Anthropic.BadRequestError);
    expect((tooLong as InstanceType<typeof Anthropic.BadRequestError>).apiMessage).toMatch(
      /^(prompt is too long|input length and `max_tokens` exceed context limit)/,
    );

    const broken = await call('server_error');
    expect(broken).toBeInstanceOf(Anthropic.InternalServerError);
    expect((broken as InstanceType<typeof Anthropic.InternalServerError>).type).toBe('api_error');
  });

  it('surfaces a malformed event as a parse failure mid-stream', async () => {
    const stream = await client.messages.create(
      { model: 'sim-lite', messages, max_tokens: 100, stream: true },
      { headers: { 'x-sim-fault': 'malformed_chunk' } },
    );
    const consume = async (): Promise<void> => {
      for await (const event of stream) void event;
    };
    await expect(consume()).rejects.toThrow();
  });
});
