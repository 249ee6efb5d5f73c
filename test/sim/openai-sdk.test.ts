/** The official OpenAI SDK against the standalone simulator: proof that the wire format is the real one. */

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

describe('openai SDK against the simulator', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator({ latency: 'zero', seed: 3 });
    client = new OpenAI({ baseURL: sim.url, apiKey: 'not-needed', maxRetries: 0 });
  });
  afterAll(() => sim.close());

  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Summarise the plan.' },
  ];

  it('creates a completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-strong',
      messages,
      max_tokens: 12,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('sim-strong');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBe(12);
  });

  it('streams, and the SDK assembles the same text and usage', async () => {
    const whole = await client.chat.completions.create({ model: 'sim-lite', messages });
    const stream = await client.chat.completions.create({
      model: 'sim-lite',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finishReason).toBe('stop');
    expect(usage).toEqual(whole.usage);
  });

  it('streams tool calls that the SDK stream helper assembles into a final completion', async () => {
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string' }, include_items: { type: 'boolean' } },
            required: ['order_id', 'include_items'],
          },
        },
      },
    ];
    const stream = client.chat.completions.stream({
      model: 'sim-mid',
      messages: [{ role: 'user', content: 'Please lookup order 42.' }],
      tools,
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') return;
    expect(call.function.name).toBe('lookup_order');
    const parsed = JSON.parse(call.function.arguments) as { order_id: unknown; include_items: unknown };
    expect(typeof parsed.order_id).toBe('string');
    expect(typeof parsed.include_items).toBe('boolean');
  });

  it('returns JSON for a json_schema response format', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-mid',
      messages,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'plan',
          schema: {
            type: 'object',
            properties: { steps: { type: 'array', items: { type: 'string' } }, done: { type: 'boolean' } },
            required: ['steps', 'done'],
          },
        },
      },
    });
    const plan = JSON.parse(completion.choices[0]?.message.content ?? '') as {
      steps: unknown;
      done: unknown;
    };
    expect(Array.isArray(plan.steps)).toBe(true);
    expect(typeof plan.done).toBe('boolean');
  });

  it('maps simulated failures onto the SDK error classes', async () => {
    const rateLimited = await client.chat.completions
      .create({ model: 'sim-lite', messages }, { headers: { 'x-sim-fault': 'rate_limit;retry_after=2' } })
      .catch((error: unknown) => error);
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
    const rateError = rateLimited as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateError.code).toBe('rate_limit_exceeded');
    expect(rateError.headers.get('retry-after')).toBe('2');

    const tooLong = await client.chat.completions
      .create({ model: 'sim-lite', messages }, { headers: { 'x-sim-fault': 'context_length_exceeded' } })
      .catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');

    const broken = await client.chat.completions
      .create({ model: 'sim-lite', messages }, { headers: { 'x-sim-fault': 'server_error' } })
      .catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('surfaces a malformed chunk as a parse failure mid-stream', async () => {
    const stream = await client.chat.completions.create(
      { model: 'sim-lite', messages, stream: true },
      { headers: { 'x-sim-fault': 'malformed_chunk;at=2' } },
    );
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toThrow();
  });

  it('lists models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['sim-lite', 'sim-mid', 'sim-strong', 'sim-long']);
  });
});
