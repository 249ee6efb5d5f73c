import { describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import type { ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { HttpTransport, InboundResponse, OutboundRequest } from '../transport/http-transport.ts';
import { staticHeaders } from '../adapter-support.ts';
import { chatCompletionsUrl, createOpenAIAdapter } from './adapter.ts';

const PROVIDER: ResolvedProvider = {
  name: 'azure-east',
  type: 'openai-compatible',
  baseUrl: 'https://example.openai.azure.com/openai/deployments/gpt-4o',
  apiKey: 'secret',
  auth: { header: 'API-Key', prefix: '' },
  headers: { 'X-Team': 'search' },
  query: { 'api-version': '2024-10-21' },
  timeouts: { connectMs: 1_000, headersMs: 1_000, bodyIdleMs: 1_000 },
  maxConnections: 4,
  forwardHeaders: [],
  defaultMaxTokens: undefined,
  sim: undefined,
};

const MODEL: ResolvedModel = {
  id: 'gpt-4o',
  provider: 'azure-east',
  upstreamModel: 'gpt-4o',
  contextWindow: 128_000,
  maxOutputTokens: 16_384,
  pricing: { inputPerMillion: 2.5, outputPerMillion: 10 },
  capabilities: {
    tools: true,
    parallelToolCalls: false,
    jsonObject: true,
    jsonSchema: true,
    vision: true,
    logprobs: true,
    assistantPrefill: true,
  },
  tokenizer: 'o200k',
  tags: [],
  source: 'config',
};

const REQUEST: ChatRequest = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  sampling: {},
  stream: false,
  includeUsage: false,
  metadata: {},
};

function response(status: number, headers: Record<string, string>, body: string): InboundResponse {
  return {
    status,
    headers,
    body: (async function* () {
      yield new TextEncoder().encode(body);
    })(),
    text: () => Promise.resolve(body),
    json: () => Promise.resolve(JSON.parse(body) as unknown),
  };
}

/** A transport that records what it was asked to send and answers with a canned response or failure. */
function fakeTransport(answer: InboundResponse | GatewayError): HttpTransport & { sent: OutboundRequest[] } {
  const sent: OutboundRequest[] = [];
  return {
    sent,
    send(request) {
      sent.push(request);
      return answer instanceof GatewayError ? Promise.reject(answer) : Promise.resolve(answer);
    },
    close: () => Promise.resolve(),
  };
}

const context = (extraHeaders?: Record<string, string>) => ({
  requestId: 'r1',
  signal: new AbortController().signal,
  extraHeaders,
});

describe('createOpenAIAdapter', () => {
  it('builds the URL with the provider query, and lower-cased static headers', () => {
    expect(chatCompletionsUrl(PROVIDER)).toBe(
      'https://example.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
    );
    expect(chatCompletionsUrl({ ...PROVIDER, query: {} })).toBe(
      'https://example.openai.azure.com/openai/deployments/gpt-4o/chat/completions',
    );
    expect(staticHeaders(PROVIDER)).toEqual({
      'content-type': 'application/json',
      'api-key': 'secret',
      'x-team': 'search',
    });
  });

  it('reuses the static headers when a call has no extra headers, and lets extra headers win otherwise', async () => {
    const transport = fakeTransport(response(500, {}, ''));
    const adapter = createOpenAIAdapter(PROVIDER, transport);
    await adapter.generate(REQUEST, MODEL, context()).catch(() => undefined);
    await adapter.generate(REQUEST, MODEL, context()).catch(() => undefined);
    await adapter
      .generate(REQUEST, MODEL, context({ 'X-Team': 'override', 'x-fault': 'slow' }))
      .catch(() => undefined);
    const [first, second, third] = transport.sent;
    expect(first!.headers).toBe(second!.headers);
    expect(Object.isFrozen(first!.headers)).toBe(true);
    expect(third!.headers).toMatchObject({ 'x-team': 'override', 'x-fault': 'slow', 'api-key': 'secret' });
    expect(first!).toMatchObject({ method: 'POST', maxConnections: 4, timeouts: PROVIDER.timeouts });
  });

  it('tags a transport failure before the response with the provider and model', async () => {
    const adapter = createOpenAIAdapter(
      PROVIDER,
      fakeTransport(new GatewayError('upstream_connection_failed', 'refused')),
    );
    await expect(adapter.generate(REQUEST, MODEL, context())).rejects.toMatchObject({
      code: 'upstream_connection_failed',
      details: { provider: 'azure-east', model: 'gpt-4o' },
    });
  });

  it('rejects a stream answered with a JSON error body instead of events', async () => {
    const body = '{"error":{"message":"quota exceeded","type":"requests","code":"rate_limit_exceeded"}}';
    const adapter = createOpenAIAdapter(
      PROVIDER,
      fakeTransport(response(200, { 'content-type': 'application/json' }, body)),
    );
    await expect(adapter.stream(REQUEST, MODEL, context())).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      message: 'quota exceeded',
    });
  });

  it('rejects a stream answered with a JSON body that is not an error', async () => {
    const adapter = createOpenAIAdapter(
      PROVIDER,
      fakeTransport(response(200, { 'content-type': 'application/json' }, '{"choices":[]}')),
    );
    await expect(adapter.stream(REQUEST, MODEL, context())).rejects.toMatchObject({
      code: 'upstream_bad_response',
    });
  });

  it('rejects a completion of the wrong shape with upstream_bad_response', async () => {
    const adapter = createOpenAIAdapter(PROVIDER, fakeTransport(response(200, {}, '{"choices":[]}')));
    await expect(adapter.generate(REQUEST, MODEL, context())).rejects.toMatchObject({
      code: 'upstream_bad_response',
      details: { upstreamStatus: 200, provider: 'azure-east' },
    });
  });

  it('narrows capabilities by config and wire format, computing them once per model', () => {
    const adapter = createOpenAIAdapter(PROVIDER, fakeTransport(response(200, {}, '')));
    const capabilities = adapter.capabilities(MODEL);
    expect(capabilities).toMatchObject({ parallelToolCalls: false, assistantPrefill: false, tools: true });
    expect(adapter.capabilities(MODEL)).toBe(capabilities);
  });
});
