/**
 * The shared adapter conformance suite. `runAdapterConformance(target)` registers the same scenarios
 * for any wire format: the target supplies an adapter factory, fixtures in its own format (named as in
 * scenarios.ts), how its streams are framed, and the wire-level checks of its request encoding.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedProvider } from '../../src/config/resolved.ts';
import { GatewayError } from '../../src/core/errors.ts';
import type { ModelCapabilities } from '../../src/core/model.ts';
import type { FinishReason, StreamPart } from '../../src/core/response.ts';
import type { CallContext } from '../../src/providers/contract.ts';
import { PROVIDER_CONTRACT_VERSION } from '../../src/providers/contract.ts';
import { createHttpTransport, type HttpTransport } from '../../src/providers/transport/http-transport.ts';
import {
  readChunkLines,
  readFixture,
  startReplayServer,
  type ReplayServer,
  type StreamEnding,
} from './replay-server.ts';
import {
  ALL_CAPABILITIES,
  ERROR_CASES,
  EXPECTED_TEXT,
  EXPECTED_TEXT_USAGE,
  EXPECTED_TOOL_CALLS,
  FIXTURES,
  IMAGE_REQUEST,
  JSON_OBJECT_REQUEST,
  JSON_SCHEMA_REQUEST,
  MULTI_TURN_REQUEST,
  SAMPLING_REQUEST,
  TEXT_REQUEST,
  TOOL_REQUEST,
  TOOL_RESULT_REQUEST,
  conformanceModel,
} from './scenarios.ts';
import type { ConformanceTarget } from './conformance-target.ts';
import { collectParts, expectWellFormed, lastPart, textOf, toolCallsOf } from './stream-checks.ts';

/** Provider settings a scenario changes; the base URL is given as a path on the replay server. */
interface ProviderOverrides extends Partial<Omit<ResolvedProvider, 'baseUrl'>> {
  readonly basePath?: string;
}

const API_KEY = 'sk-conformance-key';
const TIMEOUTS = { connectMs: 1_000, headersMs: 5_000, bodyIdleMs: 5_000 };

export function runAdapterConformance(target: ConformanceTarget): void {
  describe(`${target.label} adapter conformance`, () => {
    let server: ReplayServer;
    let transport: HttpTransport;
    const model = conformanceModel(target.label, target.upstreamModel);

    beforeAll(async () => {
      server = await startReplayServer();
      transport = createHttpTransport();
    });
    afterAll(async () => {
      await transport.close();
      await server.close();
    });

    function provider({
      basePath = target.basePath,
      ...overrides
    }: ProviderOverrides = {}): ResolvedProvider {
      return {
        name: target.label,
        type: target.providerType,
        baseUrl: `${server.origin}${basePath}`,
        apiKey: API_KEY,
        auth: target.auth,
        headers: {},
        query: {},
        timeouts: TIMEOUTS,
        maxConnections: 8,
        forwardHeaders: [],
        defaultMaxTokens: undefined,
        sim: undefined,
        ...overrides,
      };
    }
    const adapter = (overrides?: ProviderOverrides) => target.createAdapter(provider(overrides), transport);
    const context = (
      signal = new AbortController().signal,
      extraHeaders?: Record<string, string>,
    ): CallContext => ({
      requestId: 'req_conformance',
      signal,
      extraHeaders,
    });

    function replayBody(fixture: string, status = 200, headers: Record<string, string> = {}): void {
      const body = readFixture(target.fixtureFolder, fixture);
      server.respondWith({
        kind: 'body',
        status,
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    }
    function replayStream(fixture: string, ending: StreamEnding = 'end'): void {
      const frames = readChunkLines(target.fixtureFolder, fixture).map((line) =>
        target.frameStreamLine(line),
      );
      server.respondWith({
        kind: 'stream',
        status: 200,
        headers: { 'content-type': target.streamContentType },
        frames,
        ending,
      });
    }
    async function streamParts(fixture: string, request = TEXT_REQUEST, ending: StreamEnding = 'end') {
      replayStream(fixture, ending);
      const parts = await collectParts(await adapter().stream(request, model, context()));
      expectWellFormed(parts);
      return parts;
    }
    async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
      const error: unknown = await promise.then(
        () => expect.unreachable('expected the call to fail'),
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(GatewayError);
      return error as GatewayError;
    }
    const finishOf = (reason: keyof ConformanceTarget['rawFinishReasons']): FinishReason => ({
      unified: reason,
      raw: target.rawFinishReasons[reason],
    });

    describe('contract', () => {
      it('declares its version, name and type, and is ready', () => {
        const instance = adapter();
        expect(instance.contractVersion).toBe(PROVIDER_CONTRACT_VERSION);
        expect(instance.name).toBe(target.label);
        expect(instance.type).toBe(target.providerType);
        expect(instance.ready()).toBe(true);
      });

      it('narrows configured capabilities to what the wire format supports, never widening them', () => {
        expect(adapter().capabilities(model)).toEqual(target.wireCapabilities);
        const none = Object.fromEntries(
          Object.keys(ALL_CAPABILITIES).map((key) => [key, false]),
        ) as unknown as ModelCapabilities;
        expect(adapter().capabilities({ ...model, capabilities: none })).toEqual(none);
      });
    });

    describe('plain text', () => {
      it('generate: decodes text, finish reason, usage and model', async () => {
        replayBody(FIXTURES.text);
        const response = await adapter().generate(TEXT_REQUEST, model, context());
        expect(response.text).toBe(EXPECTED_TEXT);
        expect(response.toolCalls).toEqual([]);
        expect(response.finishReason).toEqual(finishOf('stop'));
        expect(response.usage).toMatchObject(EXPECTED_TEXT_USAGE);
        expect(response.upstreamModel).toBe(target.upstreamModel);
        expect(response.id.length).toBeGreaterThan(0);
        const recorded = server.lastRequest();
        expect(recorded.method).toBe('POST');
        expect(recorded.url).toBe(`${target.basePath}${target.endpointPath(false)}`);
      });

      it('stream: text blocks, then usage, then finish', async () => {
        const parts = await streamParts(FIXTURES.textStream);
        expect(textOf(parts)).toBe(EXPECTED_TEXT);
        expect(parts[0]).toMatchObject({ type: 'stream-start', upstreamModel: target.upstreamModel });
        expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(1);
        const types = parts.map((part) => part.type);
        expect(types.slice(-2)).toEqual(['usage', 'finish']);
        expect(parts.at(-2)).toMatchObject({ type: 'usage', usage: EXPECTED_TEXT_USAGE });
        expect(lastPart(parts)).toEqual({ type: 'finish', finishReason: finishOf('stop') });
        expect(server.lastRequest().url).toBe(`${target.basePath}${target.endpointPath(true)}`);
      });
    });

    describe('connection reuse', () => {
      it('a completed stream leaves its connection open for the next call', async () => {
        await streamParts(FIXTURES.textStream);
        const first = server.lastRequest();
        // undici reuses a socket one event-loop turn after a response ends.
        await new Promise((resolve) => setTimeout(resolve, 20));
        await streamParts(FIXTURES.textStream);
        expect(server.lastRequest().clientPort).toBe(first.clientPort);
      });
    });

    describe('request encoding', () => {
      const cases = [
        ['multi-turn-with-system', MULTI_TURN_REQUEST],
        ['sampling-and-limits', SAMPLING_REQUEST],
        ['tool-definitions', TOOL_REQUEST],
        ['tool-result-round-trip', TOOL_RESULT_REQUEST],
        ['json-object', JSON_OBJECT_REQUEST],
        ['json-schema', JSON_SCHEMA_REQUEST],
        ['images', IMAGE_REQUEST],
      ] as const;
      it.each(cases)('%s', async (check, request) => {
        replayBody(FIXTURES.text);
        await adapter().generate(request, model, context());
        target.wire[check](server.lastRequest());
      });

      it('streaming', async () => {
        await streamParts(FIXTURES.textStream, SAMPLING_REQUEST);
        target.wire.streaming(server.lastRequest());
      });
    });

    describe('tool calls', () => {
      it('generate: decodes parallel calls with ids, names and exact argument text', async () => {
        replayBody(FIXTURES.toolCall);
        const response = await adapter().generate(TOOL_REQUEST, model, context());
        expect(
          response.toolCalls.map((call) => ({
            name: call.name,
            arguments: JSON.parse(call.arguments) as unknown,
          })),
        ).toEqual(EXPECTED_TOOL_CALLS);
        const ids = response.toolCalls.map((call) => call.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((id) => id.length > 0)).toBe(true);
        expect(response.finishReason).toEqual(finishOf('tool_calls'));
      });

      it('stream: arguments split across chunks are reassembled per call', async () => {
        const parts = await streamParts(FIXTURES.toolCallStream, TOOL_REQUEST);
        const calls = toolCallsOf(parts);
        expect(
          calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
        ).toEqual(EXPECTED_TOOL_CALLS);
        const minimumDeltas = target.toolArgumentsArriveWhole === true ? 1 : 2;
        expect(calls.every((call) => call.id.length > 0 && call.deltas >= minimumDeltas)).toBe(true);
        expect(lastPart(parts)).toEqual({ type: 'finish', finishReason: finishOf('tool_calls') });
      });
    });

    describe('finish reasons and usage', () => {
      it.each([
        ['length', FIXTURES.finishLength],
        ['content_filter', FIXTURES.finishContentFilter],
      ] as const)('%s keeps the raw reason', async (reason, fixture) => {
        replayBody(fixture);
        const response = await adapter().generate(TEXT_REQUEST, model, context());
        expect(response.finishReason).toEqual(finishOf(reason));
      });

      it('reports cached input and reasoning tokens', async () => {
        replayBody(FIXTURES.usageDetails);
        const response = await adapter().generate(TEXT_REQUEST, model, context());
        expect(response.usage).toEqual(target.usageDetails);
      });
    });

    describe('upstream errors', () => {
      const errorCases = [...ERROR_CASES, ...(target.extraErrorCases ?? [])].map((errorCase) => ({
        ...errorCase,
        status: target.errorStatusOverrides?.[errorCase.fixture] ?? errorCase.status,
      }));
      it.each(errorCases)('$label → $code', async (errorCase) => {
        replayBody(errorCase.fixture, errorCase.status, errorCase.headers);
        for (const call of [
          () => adapter().generate(TEXT_REQUEST, model, context()),
          // A stream must reject, not resolve, when the upstream fails before it begins.
          () => adapter().stream(TEXT_REQUEST, model, context()),
        ]) {
          const error = await rejection(call());
          expect(error.code).toBe(errorCase.code);
          expect(error.spec.retryable).toBe(errorCase.retryable);
          expect(error.message).toBe(
            target.errorMessage(JSON.parse(readFixture(target.fixtureFolder, errorCase.fixture))),
          );
          expect(error.details).toMatchObject({
            upstreamStatus: errorCase.status,
            provider: target.label,
            model: model.id,
          });
          expect(error.details.retryAfterMs).toBe(errorCase.retryAfterMs);
        }
      });
    });

    describe('broken streams', () => {
      it('a body that ends before the model finished → stream_truncated', async () => {
        const parts = await streamParts(FIXTURES.streamTruncated);
        expect(lastPart(parts)).toMatchObject({ type: 'error', error: { code: 'stream_truncated' } });
      });

      it('a connection reset mid-body → a retryable error part', async () => {
        const parts = await streamParts(FIXTURES.streamTruncated, TEXT_REQUEST, 'reset');
        expect(lastPart(parts)).toMatchObject({
          type: 'error',
          error: { code: 'upstream_connection_failed' },
        });
      });

      it('a chunk that is not valid JSON → upstream_bad_response', async () => {
        const parts = await streamParts(FIXTURES.streamMalformed);
        expect(lastPart(parts)).toMatchObject({ type: 'error', error: { code: 'upstream_bad_response' } });
      });

      it('an error object inside the stream → a mapped, retryable error part', async () => {
        const parts = await streamParts(FIXTURES.streamError);
        const last = lastPart(parts);
        expect(last.type).toBe('error');
        if (last.type !== 'error') return;
        expect(last.error.code).toMatch(/^upstream_/);
        expect(last.error.spec.retryable).toBe(true);
        expect(last.error.details.provider).toBe(target.label);
      });
    });

    describe('abort', () => {
      it('generate: aborting before the answer rejects promptly and closes the upstream socket', async () => {
        server.respondWith({ kind: 'hang' });
        const controller = new AbortController();
        const arrived = server.nextRequest();
        const pending = adapter().generate(TEXT_REQUEST, model, context(controller.signal));
        const recorded = await arrived;
        controller.abort();
        expect((await rejection(pending)).code).toBe('client_closed_request');
        await recorded.socketClosed;
      });

      it('stream: a deadline reason is surfaced as-is', async () => {
        server.respondWith({ kind: 'hang' });
        const controller = new AbortController();
        const arrived = server.nextRequest();
        const pending = adapter().stream(TEXT_REQUEST, model, context(controller.signal));
        await arrived;
        const deadline = new GatewayError('deadline_exceeded', 'The request deadline passed');
        controller.abort(deadline);
        expect(await rejection(pending)).toBe(deadline);
      });

      it('stream: aborting mid-body ends the stream with an error part and closes the upstream socket', async () => {
        replayStream(FIXTURES.textStream, 'hold');
        const controller = new AbortController();
        const arrived = server.nextRequest();
        const stream = await adapter().stream(TEXT_REQUEST, model, context(controller.signal));
        const recorded = await arrived;
        const parts: StreamPart[] = [];
        for await (const batch of stream) {
          parts.push(...batch);
          if (batch.some((part) => part.type === 'text-delta')) controller.abort();
        }
        expectWellFormed(parts);
        expect(lastPart(parts)).toMatchObject({ type: 'error', error: { code: 'client_closed_request' } });
        await recorded.socketClosed;
      });
    });

    describe('headers and auth', () => {
      it('sends the auth header, provider headers and per-call extra headers', async () => {
        replayBody(FIXTURES.text);
        const instance = adapter({ headers: { 'X-Team': 'search' } });
        await instance.generate(TEXT_REQUEST, model, context(undefined, { 'x-switchyard-fault': 'none' }));
        const { headers } = server.lastRequest();
        expect(headers[target.auth.header.toLowerCase()]).toBe(`${target.auth.prefix}${API_KEY}`);
        expect(headers['x-team']).toBe('search');
        expect(headers['x-switchyard-fault']).toBe('none');
        expect(headers['content-type']).toMatch(/^application\/json/);
      });

      it('omits the auth header when no key is configured', async () => {
        replayBody(FIXTURES.text);
        await adapter({ apiKey: undefined }).generate(TEXT_REQUEST, model, context());
        expect(server.lastRequest().headers[target.auth.header.toLowerCase()]).toBeUndefined();
      });

      it.each(target.authVariants)('$label: auth header, base path and query', async (variant) => {
        replayBody(FIXTURES.text);
        await adapter({ basePath: variant.basePath, auth: variant.auth, query: variant.query }).generate(
          TEXT_REQUEST,
          model,
          context(),
        );
        const recorded = server.lastRequest();
        expect(recorded.url).toBe(
          `${variant.basePath}${target.endpointPath(false)}?${new URLSearchParams(variant.query).toString()}`,
        );
        expect(recorded.headers[variant.auth.header.toLowerCase()]).toBe(`${variant.auth.prefix}${API_KEY}`);
        if (variant.auth.header.toLowerCase() !== target.auth.header.toLowerCase()) {
          expect(recorded.headers[target.auth.header.toLowerCase()]).toBeUndefined();
        }
      });
    });
  });
}
