import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SimModelProfile } from '../../src/config/resolved.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import { exchange, sseData } from './raw-http.ts';

interface ErrorJson {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface CompletionJson {
  object: string;
  model: string;
  choices: { index: number; message: { role: string; content: string | null }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
interface ChunkJson {
  object: string;
  choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

const question = 'Describe the river in a few words.';
const chat = { model: 'sim-lite', messages: [{ role: 'user', content: question }] };
const streamChat = { ...chat, stream: true, stream_options: { include_usage: true } };

function profile(overrides: Partial<SimModelProfile> = {}): SimModelProfile {
  return {
    ttftMs: { median: 150, p95: 150 },
    tokensPerSecond: 100,
    contextWindow: 128_000,
    faults: [],
    ...overrides,
  };
}

function errorOf(body: string): ErrorJson['error'] {
  return (JSON.parse(body) as ErrorJson).error;
}

function contentDeltas(body: string): string[] {
  return sseData(body)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as ChunkJson)
    .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''))
    .filter((text) => text.length > 0);
}

describe('simulator over a real socket (zero latency)', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({
      latency: 'zero',
      seed: 5,
      profiles: {
        'sim-lite': profile(),
        tiny: profile({ contextWindow: 40 }),
        flaky: profile({ faults: ['server_error;times=1'] }),
      },
    });
  });
  afterAll(() => sim.close());

  it('serves a chat completion with real usage', async () => {
    const reply = await exchange(sim.url, { body: chat });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const completion = JSON.parse(reply.body) as CompletionJson;
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('sim-lite');
    const content = completion.choices[0]?.message.content ?? '';
    expect(content.length).toBeGreaterThan(20);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // Chat framing (3 per message + 3 for the reply) around the counted text.
    expect(completion.usage.prompt_tokens).toBe(countTokens(question) + 6);
    expect(completion.usage.completion_tokens).toBe(countTokens(content));
    expect(completion.usage.total_tokens).toBe(
      completion.usage.prompt_tokens + completion.usage.completion_tokens,
    );
  });

  it('streams the same answer as SSE chunks, ending with usage and [DONE]', async () => {
    const whole = JSON.parse((await exchange(sim.url, { body: chat })).body) as CompletionJson;
    const reply = await exchange(sim.url, { body: streamChat });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const data = sseData(reply.body);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as ChunkJson);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toEqual(whole.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(contentDeltas(reply.body).join('')).toBe(whole.choices[0]?.message.content);
  });

  it('sets no timers on the zero-latency path', async () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const server = await exchange(sim.url, { body: chat, waitMs: 60_000 });
    const streamed = await exchange(sim.url, { body: streamChat, waitMs: 60_000 });
    // The client helper sets exactly one timer per exchange; the simulator sets none.
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
    expect([server.status, streamed.status]).toEqual([200, 200]);
  });

  it('answers malformed JSON and bad fields with OpenAI-shaped 400s', async () => {
    const malformed = await exchange(sim.url, { body: '{"model": ' });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed.body)).toMatchObject({ type: 'invalid_request_error', param: null });

    const missing = await exchange(sim.url, { body: { model: 'sim-lite' } });
    expect(missing.status).toBe(400);
    expect(errorOf(missing.body)).toEqual({
      message: "Missing required parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });

    const badCap = await exchange(sim.url, { body: { ...chat, max_tokens: 'many' } });
    expect(errorOf(badCap.body)).toMatchObject({ param: 'max_tokens', code: 'invalid_type' });
  });

  it('lists its models, answers unknown model names, and 404s unknown paths', async () => {
    const models = await exchange(sim.url, { path: '/models' });
    const ids = (JSON.parse(models.body) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(ids).toEqual(['sim-lite', 'tiny', 'flaky']);
    const unknownModel = await exchange(sim.url, { body: { ...chat, model: 'anything-else' } });
    expect(unknownModel.status).toBe(200);
    const wrongPath = await exchange(sim.url, { path: '/completions', body: chat });
    expect(wrongPath.status).toBe(404);
    expect(errorOf(wrongPath.body).message).toBe('Invalid URL (POST /v1/completions)');
  });

  it('rate_limit: 429 with retry-after and the rate-limit error JSON', async () => {
    const reply = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'rate_limit;retry_after=3' },
    });
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe('3');
    expect(errorOf(reply.body)).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    expect(errorOf(reply.body).message).toContain('Please try again in 3s');

    const bare = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'rate_limit_no_retry_after' },
    });
    expect(bare.status).toBe(429);
    expect(bare.headers['retry-after']).toBeUndefined();
    expect(bare.headers['x-ratelimit-reset-requests']).toBeUndefined();
  });

  it.each([
    ['server_error', 500, 'server_error', null],
    ['unavailable', 503, 'server_error', null],
    ['content_policy', 400, 'invalid_request_error', 'content_policy_violation'],
  ])('%s: status %i with OpenAI error JSON', async (fault, status, type, code) => {
    const reply = await exchange(sim.url, { body: chat, headers: { 'x-sim-fault': fault } });
    expect(reply.status).toBe(status);
    expect(errorOf(reply.body)).toMatchObject({ type, code });
  });

  it('context_length_exceeded: automatic beyond the window, and on demand', async () => {
    const long = { ...chat, model: 'tiny', max_tokens: 30 };
    const reply = await exchange(sim.url, { body: long });
    expect(reply.status).toBe(400);
    const promptTokens = countTokens(question) + 6;
    expect(errorOf(reply.body)).toEqual({
      message: `This model's maximum context length is 40 tokens. However, you requested ${promptTokens + 30} tokens (${promptTokens} in the messages, 30 in the completion). Please reduce the length of the messages or completion.`,
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    });
    const fits = await exchange(sim.url, { body: { ...long, max_tokens: 5 } });
    expect(fits.status).toBe(200);
    const forced = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'context_length_exceeded' },
    });
    expect(errorOf(forced.body).code).toBe('context_length_exceeded');
  });

  it('reset: the socket is destroyed before any header', async () => {
    const reply = await exchange(sim.url, { body: chat, headers: { 'x-sim-fault': 'reset' } });
    expect(reply.status).toBeUndefined();
    expect(reply.error).toBe('ECONNRESET');
  });

  it('no_response: nothing ever arrives, and close() still returns promptly', async () => {
    const own = await startSimulator({ latency: 'zero' });
    const reply = await exchange(own.url, {
      body: chat,
      headers: { 'x-sim-fault': 'no_response' },
      waitMs: 300,
    });
    expect(reply.timedOut).toBe(true);
    expect(reply.status).toBeUndefined();
    const pending = exchange(own.url, {
      body: chat,
      headers: { 'x-sim-fault': 'no_response' },
      waitMs: 5_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closingStarted = performance.now();
    await own.close();
    expect(performance.now() - closingStarted).toBeLessThan(500);
    expect((await pending).error).toBeDefined();
  });

  it('slow_first_token delays the answer even at zero latency', async () => {
    const reply = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'slow_first_token;ms=300' },
    });
    expect(reply.status).toBe(200);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(295);
  });

  it('stream_cut: headers and N tokens arrive, then the socket closes mid-body', async () => {
    const reply = await exchange(sim.url, {
      body: streamChat,
      headers: { 'x-sim-fault': 'stream_cut;after=3' },
    });
    expect(reply.status).toBe(200);
    expect(contentDeltas(reply.body)).toHaveLength(3);
    expect(reply.body).not.toContain('finish_reason":"stop"');
    expect(reply.body).not.toContain('[DONE]');
    expect(reply.complete).toBe(false);
    expect(reply.error).toBeDefined();
  });

  it('stream_truncate: N tokens, then a cleanly ended body without finish or [DONE]', async () => {
    const reply = await exchange(sim.url, {
      body: streamChat,
      headers: { 'x-sim-fault': 'stream_truncate;after=4' },
    });
    expect(reply.status).toBe(200);
    expect(reply.complete).toBe(true);
    expect(contentDeltas(reply.body)).toHaveLength(4);
    expect(reply.body).not.toContain('finish_reason":"stop"');
    expect(reply.body).not.toContain('[DONE]');
  });

  it('stream_stall: N tokens arrive, then silence on an open socket', async () => {
    const reply = await exchange(sim.url, {
      body: streamChat,
      headers: { 'x-sim-fault': 'stream_stall;after=2' },
      waitMs: 400,
    });
    expect(reply.status).toBe(200);
    expect(contentDeltas(reply.body)).toHaveLength(2);
    expect(reply.timedOut).toBe(true);
    expect(reply.error).toBeUndefined();
  });

  it('malformed_chunk: the Nth event is not JSON, the rest of the stream is intact', async () => {
    const reply = await exchange(sim.url, {
      body: streamChat,
      headers: { 'x-sim-fault': 'malformed_chunk;at=3' },
    });
    expect(reply.complete).toBe(true);
    const data = sseData(reply.body);
    expect(() => JSON.parse(data[2] ?? '') as unknown).toThrow(SyntaxError);
    for (const [index, text] of data.slice(0, -1).entries()) {
      if (index !== 2) expect(() => JSON.parse(text) as unknown).not.toThrow();
    }
    expect(data.at(-1)).toBe('[DONE]');
  });

  it('missing_done: a complete stream without the final [DONE]', async () => {
    const reply = await exchange(sim.url, { body: streamChat, headers: { 'x-sim-fault': 'missing_done' } });
    expect(reply.complete).toBe(true);
    expect(reply.body).toContain('"finish_reason":"stop"');
    expect(sseData(reply.body)).not.toContain('[DONE]');
  });

  it('applies stream faults to whole bodies too', async () => {
    const cut = await exchange(sim.url, { body: chat, headers: { 'x-sim-fault': 'stream_cut' } });
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    const stalled = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'stream_stall' },
      waitMs: 300,
    });
    expect(stalled.timedOut).toBe(true);
    expect(stalled.body.length).toBeGreaterThan(0);
    for (const fault of ['malformed_chunk', 'stream_truncate']) {
      const broken = await exchange(sim.url, { body: chat, headers: { 'x-sim-fault': fault } });
      expect(broken.complete).toBe(true);
      expect(() => JSON.parse(broken.body) as unknown).toThrow(SyntaxError);
    }
  });

  it('times=N fails only the first N requests; for_ms fails only within the window', async () => {
    const headers = { 'x-sim-fault': 'unavailable;times=2;key=times-test' };
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++)
      statuses.push((await exchange(sim.url, { body: chat, headers })).status);
    expect(statuses).toEqual([503, 503, 200]);

    const windowHeaders = { 'x-sim-fault': 'server_error;for_ms=200;key=window-test' };
    expect((await exchange(sim.url, { body: chat, headers: windowHeaders })).status).toBe(500);
    expect((await exchange(sim.url, { body: chat, headers: windowHeaders })).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await exchange(sim.url, { body: chat, headers: windowHeaders })).status).toBe(200);
  });

  it('applies profile faults unless the header overrides them', async () => {
    const flaky = { ...chat, model: 'flaky' };
    expect(
      (await exchange(sim.url, { body: flaky, headers: { 'x-sim-fault': 'missing_done' } })).status,
    ).toBe(200);
    expect((await exchange(sim.url, { body: flaky })).status).toBe(500);
    expect((await exchange(sim.url, { body: flaky })).status).toBe(200);
  });

  it('rejects an invalid fault header with a 400 naming the problem', async () => {
    const reply = await exchange(sim.url, {
      body: chat,
      headers: { 'x-sim-fault': 'stream_cut;after=soon' },
    });
    expect(reply.status).toBe(400);
    expect(errorOf(reply.body)).toMatchObject({ code: 'invalid_fault_spec' });
    expect(errorOf(reply.body).message).toContain("'after' must be an integer >= 0, got 'soon'");
  });
});

describe('simulator with realistic latency', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    // p95 = median makes the first-token time exactly 150 ms; 100 tokens/s makes each token 10 ms.
    sim = await startSimulator({ latency: 'realistic', profiles: { steady: profile() } });
  });
  afterAll(() => sim.close());

  const body = { model: 'steady', max_tokens: 20, messages: [{ role: 'user', content: 'Go.' }] };

  it('answers a whole body after first token plus tokens over rate', async () => {
    const reply = await exchange(sim.url, { body });
    expect(reply.status).toBe(200);
    // 150 ms + 20 tokens at 100/s = 350 ms.
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(345);
    expect(reply.elapsedMs).toBeLessThan(1_000);
  });

  it('streams: headers at the first token, then tokens at the profile rate', async () => {
    const reply = await exchange(sim.url, { body: { ...body, stream: true } });
    expect(contentDeltas(reply.body)).toHaveLength(20);
    expect(reply.headersAtMs).toBeGreaterThanOrEqual(145);
    // The 19 tokens after the first take 190 ms.
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(330);
    expect(reply.elapsedMs).toBeLessThan(1_000);
  });

  it('stops pacing when the client leaves mid-stream', async () => {
    const reply = await exchange(sim.url, { body: { ...body, max_tokens: 200, stream: true }, waitMs: 250 });
    expect(reply.timedOut).toBe(true);
    expect(contentDeltas(reply.body).length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // A pacer still running would schedule a tick at least every 20 ms.
    const spy = vi.spyOn(globalThis, 'setTimeout');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});
