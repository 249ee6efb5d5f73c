/** The official Google Gen AI SDK against the standalone simulator: proof that the Gemini wire is the real one. */

import { ApiError, FunctionCallingConfigMode, GoogleGenAI, Type, type Content } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

describe('@google/genai SDK against the simulator', () => {
  let sim: RunningSimulator;
  let client: GoogleGenAI;
  beforeAll(async () => {
    sim = await startSimulator({ latency: 'zero', seed: 5 });
    // The SDK adds the API version (v1beta) and `models/{model}:…` to the base URL itself.
    client = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: sim.origin } });
  });
  afterAll(() => sim.close());

  const contents: Content[] = [{ role: 'user', parts: [{ text: 'Summarise the plan.' }] }];
  const config = { systemInstruction: 'You are terse.' };

  it('generates content, with finish reason, usage and model version', async () => {
    const response = await client.models.generateContent({
      model: 'sim-strong',
      contents,
      config: { ...config, maxOutputTokens: 12 },
    });
    expect(response.modelVersion).toBe('sim-strong');
    expect(response.responseId?.length).toBeGreaterThan(0);
    expect(response.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    expect(response.text?.length).toBeGreaterThan(0);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(12);
    const { promptTokenCount = 0 } = response.usageMetadata ?? {};
    expect(response.usageMetadata?.totalTokenCount).toBe(promptTokenCount + 12);
  });

  it('streams, and the SDK assembles the same text and final usage', async () => {
    const whole = await client.models.generateContent({ model: 'sim-lite', contents, config });
    const stream = await client.models.generateContentStream({ model: 'sim-lite', contents, config });
    let text = '';
    let finishReason: string | undefined;
    let chunks = 0;
    let last: typeof whole | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.text ?? '';
      finishReason ??= chunk.candidates?.[0]?.finishReason;
      last = chunk;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(whole.text);
    expect(finishReason).toBe('STOP');
    expect(last?.usageMetadata?.candidatesTokenCount).toBe(whole.usageMetadata?.candidatesTokenCount);
  });

  it('calls a declared function, and answers the function response in text', async () => {
    const declaration = {
      name: 'lookup_order',
      parametersJsonSchema: {
        type: 'object',
        properties: { order_id: { type: 'string' }, include_items: { type: 'boolean' } },
        required: ['order_id', 'include_items'],
      },
    };
    const ask: Content = { role: 'user', parts: [{ text: 'Please lookup order 42.' }] };
    const response = await client.models.generateContent({
      model: 'sim-mid',
      contents: [ask],
      config: {
        tools: [{ functionDeclarations: [declaration] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
      },
    });
    const call = response.functionCalls?.[0];
    expect(call?.name).toBe('lookup_order');
    expect(typeof call?.args?.order_id).toBe('string');
    expect(typeof call?.args?.include_items).toBe('boolean');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');

    const answer = await client.models.generateContent({
      model: 'sim-mid',
      contents: [
        ask,
        { role: 'model', parts: [{ functionCall: call }] },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'lookup_order', response: { output: { status: 'shipped' } } } },
          ],
        },
      ],
      config: { tools: [{ functionDeclarations: [declaration] }] },
    });
    expect(answer.functionCalls).toBeUndefined();
    expect(answer.text?.length).toBeGreaterThan(0);
  });

  it('streams a function call whole in one piece', async () => {
    const stream = await client.models.generateContentStream({
      model: 'sim-mid',
      contents: [{ role: 'user', parts: [{ text: 'What is the weather? Use get_weather.' }] }],
      config: {
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } },
              },
            ],
          },
        ],
      },
    });
    const calls = [];
    for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe('get_weather');
    expect(typeof calls[0]?.args?.city).toBe('string');
  });

  it('returns JSON that follows a response JSON schema', async () => {
    const response = await client.models.generateContent({
      model: 'sim-mid',
      contents,
      config: {
        responseMimeType: 'application/json',
        responseJsonSchema: {
          type: 'object',
          properties: { steps: { type: 'array', items: { type: 'string' } }, done: { type: 'boolean' } },
          required: ['steps', 'done'],
        },
      },
    });
    const plan = JSON.parse(response.text ?? '') as { steps: unknown; done: unknown };
    expect(Array.isArray(plan.steps)).toBe(true);
    expect(typeof plan.done).toBe('boolean');
  });

  it('surfaces simulated failures as ApiErrors with Google statuses', async () => {
    const failure = async (fault: string): Promise<ApiError> => {
      const error: unknown = await client.models
        .generateContent({
          model: 'sim-lite',
          contents,
          config: { httpOptions: { headers: { 'x-sim-fault': fault } } },
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      return error as ApiError;
    };
    const rateLimited = await failure('rate_limit;retry_after=1');
    expect(rateLimited.status).toBe(429);
    expect(rateLimited.message).toContain('RESOURCE_EXHAUSTED');
    expect(rateLimited.message).toContain('"retryDelay":"1s"');

    const tooLong = await failure('context_length_exceeded');
    expect(tooLong.status).toBe(400);
    expect(tooLong.message).toMatch(/input token count \(\d+\) exceeds the maximum number of tokens allowed/);

    expect((await failure('unavailable')).status).toBe(503);
    expect((await failure('server_error')).status).toBe(500);
  });

  it('reports a blocked prompt the way Gemini does: no candidates, a block reason', async () => {
    const response = await client.models.generateContent({
      model: 'sim-lite',
      contents,
      config: { httpOptions: { headers: { 'x-sim-fault': 'content_policy' } } },
    });
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
  });

  it('surfaces a malformed piece as a parse failure mid-stream', async () => {
    const stream = await client.models.generateContentStream({
      model: 'sim-lite',
      contents,
      config: { httpOptions: { headers: { 'x-sim-fault': 'malformed_chunk;at=2' } } },
    });
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toThrow();
  });
});
