/** The official openai SDK against the gateway, over real sockets, with the simulator upstream. */

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const hello = [{ role: 'user' as const, content: 'Say hello to the gateway' }];

describe('openai SDK → gateway → simulator', () => {
  it('answers a non-streaming completion with routing headers and usage', async () => {
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'auto', messages: hello, max_tokens: 12 })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('sim-lite');
    expect(data.choices[0]!.message.role).toBe('assistant');
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(data.choices[0]!.finish_reason);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(12);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(response.headers.get('x-switchyard-route')).toBe('default');
    expect(response.headers.get('x-switchyard-model')).toBe('fast');
    expect(response.headers.get('x-switchyard-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBeGreaterThan(0);
  });

  it('serves a concrete model by id and a route by name', async () => {
    const direct = await stack.client.chat.completions
      .create({ model: 'strong', messages: hello, max_tokens: 5 })
      .withResponse();
    expect(direct.response.headers.get('x-switchyard-model')).toBe('strong');
    expect(direct.response.headers.get('x-switchyard-route')).toBe('model:strong');
    const routed = await stack.client.chat.completions
      .create({ model: 'default', messages: hello, max_tokens: 5 })
      .withResponse();
    expect(routed.response.headers.get('x-switchyard-route')).toBe('default');
  });

  it('streams text deltas, a finish reason and usage when asked', async () => {
    const stream = await stack.client.chat.completions.create({
      model: 'auto',
      messages: hello,
      max_tokens: 30,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(finish);
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('leaves usage out of the stream when not asked', async () => {
    const stream = await stack.client.chat.completions.create({
      model: 'auto',
      messages: hello,
      max_tokens: 5,
      stream: true,
    });
    for await (const chunk of stream) expect(chunk.usage ?? undefined).toBeUndefined();
  });

  it('returns tool calls, non-streaming and streamed, with valid JSON arguments', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, days: { type: 'integer' } },
            required: ['city'],
          },
        },
      },
    ];
    const completion = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'required',
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(typeof (JSON.parse(call.function.arguments) as { city: unknown }).city).toBe('string');

    const stream = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stream: true,
    });
    let argumentsText = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      if (delta?.function?.name) name = delta.function.name;
      argumentsText += delta?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe('get_weather');
    expect(finish).toBe('tool_calls');
    expect(JSON.parse(argumentsText)).toHaveProperty('city');

    // The tool result goes back as a tool message and the conversation continues.
    const followUp = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        completion.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '{"temp_c": 21}' },
      ],
      tools,
    });
    expect(followUp.choices[0]!.message.role).toBe('assistant');
  });

  it('answers JSON mode with parseable JSON, and json_schema with the schema’s fields', async () => {
    const object = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Give me a JSON object' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(object.choices[0]!.message.content!)).toBe('object');

    const schema = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'A person' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: 'integer' } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    });
    const person = JSON.parse(schema.choices[0]!.message.content!) as { name: unknown; age: unknown };
    expect(typeof person.name).toBe('string');
    expect(Number.isInteger(person.age)).toBe(true);
  });

  it('accepts images, stop sequences, seed, user and metadata', async () => {
    const completion = await stack.client.chat.completions.create({
      model: 'auto',
      messages: [
        { role: 'system', content: 'Describe images.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
      stop: ['zzz'],
      seed: 42,
      user: 'user-1',
      metadata: { feature: 'vision' },
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 20,
    });
    expect(completion.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });
});

describe('openai SDK error mapping', () => {
  it('unknown model → 404 model_not_found', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'no-such-model', messages: hello })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).param).toBe('model');
  });

  it('invalid field → 400 with the field path', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'auto', messages: hello, temperature: 7 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('invalid_request');
  });

  it('upstream 429 → RateLimitError with retry-after', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'fast', messages: hello }, { headers: { 'x-sim-fault': 'rate_limit; retry_after=2' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.code).toBe('upstream_rate_limited');
    expect(rateLimit.headers?.get('retry-after')).toBe('2');
  });

  it('prompt + max_tokens beyond the window → 400 context_length_exceeded', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'tiny', messages: [{ role: 'user', content: 'word '.repeat(80) }], max_tokens: 32 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
  });

  it('content-policy rejection → 400 content_filtered with the provider’s reason', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'fast', messages: hello }, { headers: { 'x-sim-fault': 'content_policy' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_filtered');
  });

  it('upstream 500 on a single model → 502 server error', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'broken', messages: hello })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).code).toBe('upstream_server_error');
  });
});

describe('fallback chains', () => {
  it('falls past a 500 and a 429 to the model that answers, and reports it', async () => {
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'resilient', messages: hello, max_tokens: 5 })
      .withResponse();
    expect(data.model).toBe('sim-strong');
    expect(response.headers.get('x-switchyard-model')).toBe('strong');
    expect(response.headers.get('x-switchyard-attempts')).toBe('3');
  });

  it('falls back invisibly for a stream that fails before its first token', async () => {
    const stream = await stack.client.chat.completions.create({
      model: 'resilient',
      messages: hello,
      max_tokens: 5,
      stream: true,
    });
    let model = '';
    for await (const chunk of stream) model = chunk.model;
    expect(model).toBe('sim-strong');
  });

  it('reports every attempt when all fail', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'hopeless', messages: hello })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const message = (error as Error).message;
    expect(message).toContain('broken: upstream_server_error (500)');
    expect(message).toContain('limited: upstream_rate_limited (429)');
    // The same list, machine-readable, in the error body.
    const body = (error as InstanceType<typeof OpenAI.APIError>).error as { attempts?: unknown };
    expect(body.attempts).toEqual([
      expect.objectContaining({ target: 'broken', code: 'upstream_server_error', status: 500 }),
      expect.objectContaining({ target: 'limited', code: 'upstream_rate_limited', status: 429 }),
    ]);
  });
});

describe('streams that fail after commit', () => {
  it('a stream cut mid-answer raises in the SDK instead of ending as a success', async () => {
    const stream = await stack.client.chat.completions.create(
      { model: 'fast', messages: hello, max_tokens: 60, stream: true },
      { headers: { 'x-sim-fault': 'stream_cut; after=10' } },
    );
    let text = '';
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toMatch(/stream|connection|terminated|closed/i);
  });

  it('a malformed chunk mid-stream raises in the SDK', async () => {
    // Arriving in the same network read as the first tokens, the bad chunk is still before the commit
    // point (nothing was sent): then it is an HTTP error. In a later read it is an in-band one.
    const failure = await (async () => {
      const stream = await stack.client.chat.completions.create(
        { model: 'fast', messages: hello, max_tokens: 60, stream: true },
        { headers: { 'x-sim-fault': 'malformed_chunk; at=5' } },
      );
      for await (const _chunk of stream) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });

  it('a stream missing only [DONE] after its finish reason still completes', async () => {
    const stream = await stack.client.chat.completions.create(
      { model: 'fast', messages: hello, max_tokens: 10, stream: true },
      { headers: { 'x-sim-fault': 'missing_done' } },
    );
    let finish: string | null = null;
    for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    expect(finish).not.toBeNull();
  });
});

describe('log probabilities', () => {
  it('are passed up and back, per token, with the asked-for alternatives, streaming or not', async () => {
    const completion = await stack.client.chat.completions.create({
      model: 'fast',
      messages: hello,
      max_tokens: 8,
      logprobs: true,
      top_logprobs: 2,
    });
    const tokens = completion.choices[0]!.logprobs!.content!;
    expect(tokens.map((token) => token.token).join('')).toBe(completion.choices[0]!.message.content);
    for (const token of tokens) {
      expect(token.logprob).toBeLessThan(0);
      expect(token.top_logprobs).toHaveLength(2);
      expect(token.top_logprobs[0]!.token).toBe(token.token);
    }

    const stream = await stack.client.chat.completions.create({
      model: 'fast',
      messages: hello,
      max_tokens: 8,
      logprobs: true,
      stream: true,
    });
    let text = '';
    let logprobText = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      for (const token of chunk.choices[0]?.logprobs?.content ?? []) logprobText += token.token;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(logprobText).toBe(text);
  });

  it('without logprobs: true, top_logprobs is a field-level error', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'fast', messages: hello, max_tokens: 8, top_logprobs: 2 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('top_logprobs');
  });
});
