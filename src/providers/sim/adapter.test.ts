import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { StreamPart } from '../../core/response.ts';
import type { CallContext, ProviderAdapter } from '../contract.ts';
import { createHttpTransport, type HttpTransport } from '../transport/http-transport.ts';
import { createSimAdapter } from './adapter.ts';
import { ALL_CAPABILITIES, simProvider, testModel } from '../../../test/support/fixtures.ts';

const provider = simProvider('openai');

const model = testModel({
  id: 'fast',
  provider: 'sim',
  pricing: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  capabilities: { ...ALL_CAPABILITIES, vision: false, logprobs: false, assistantPrefill: false },
});

const request: ChatRequest = {
  model: 'fast',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Name three rivers.' }] }],
  sampling: {},
  maxOutputTokens: 10,
  stream: false,
  includeUsage: true,
  metadata: {},
};

function context(extraHeaders?: Record<string, string>): CallContext {
  return {
    requestId: 'test',
    signal: new AbortController().signal,
    ...(extraHeaders === undefined ? {} : { extraHeaders }),
  };
}

describe('sim adapter', () => {
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

  it('identifies itself as the sim provider', () => {
    expect(adapter.type).toBe('sim');
    expect(adapter.name).toBe('sim');
    expect(adapter.ready()).toBe(true);
  });

  it('embeds through the OpenAI embeddings endpoint, one unit vector per text in order', async () => {
    expect(typeof adapter.embed).toBe('function');
    const result = await adapter.embed!(
      ['reset my password', 'reset my password please', 'track my parcel'],
      model,
      context(),
    );
    expect(result.vectors).toHaveLength(3);
    expect(result.inputTokens).toBeGreaterThan(0);
    const [first, second, third] = result.vectors.map((vector) => Array.from(vector));
    const cosine = (a: number[] = [], b: number[] = []): number =>
      a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    expect(cosine(first, first)).toBeCloseTo(1, 4);
    expect(cosine(first, second)).toBeGreaterThan(cosine(first, third) + 0.3);
  });

  it('maps an embeddings request the simulator refuses to a catalogued error', async () => {
    await expect(adapter.embed!([], model, context())).rejects.toMatchObject({
      code: 'upstream_bad_request',
    });
  });

  it('generates through the OpenAI adapter and a real socket', async () => {
    const response = await adapter.generate(request, model, context());
    expect(response.upstreamModel).toBe('sim-lite');
    expect(response.text.length).toBeGreaterThan(0);
    expect(response.finishReason.unified).toBe('length');
    expect(response.usage?.outputTokens).toBe(10);
  });

  it('streams parts from stream-start to finish', async () => {
    const parts: StreamPart[] = [];
    for await (const batch of await adapter.stream({ ...request, stream: true }, model, context()))
      parts.push(...batch);
    expect(parts[0]?.type).toBe('stream-start');
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(10);
    expect(parts.at(-1)?.type).toBe('finish');
  });

  it('forwards the fault header to the simulator', async () => {
    const failure = await adapter
      .generate(request, model, context({ 'x-sim-fault': 'rate_limit;retry_after=2' }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect((failure as GatewayError).code).toBe('upstream_rate_limited');
    expect((failure as GatewayError).details.upstreamStatus).toBe(429);
  });

  async function streamWithFault(fault: string): Promise<StreamPart[]> {
    const parts: StreamPart[] = [];
    const stream = await adapter.stream(
      { ...request, stream: true },
      model,
      context({ 'x-sim-fault': fault }),
    );
    for await (const batch of stream) parts.push(...batch);
    return parts;
  }

  it('ends a cut stream with an error part, never a finish', async () => {
    const parts = await streamWithFault('stream_cut;after=2');
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(2);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(parts.at(-1)?.type).toBe('error');
  });

  it('reports a stream that ends before its finish as truncated', async () => {
    const last = (await streamWithFault('stream_truncate;after=3')).at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') expect(last.error.code).toBe('stream_truncated');
  });

  it('stops its simulator on close', async () => {
    const own = await createSimAdapter(provider, { transport });
    await own.close();
    expect(own.ready()).toBe(false);
    await expect(own.generate(request, model, context())).rejects.toBeInstanceOf(GatewayError);
  });
});
