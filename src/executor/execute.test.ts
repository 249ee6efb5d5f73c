/**
 * The executor against scripted adapters: hedging, deployments of one model, the commit modes, resume
 * by prefill and per-attempt accounting, each without sockets or simulated latency beyond a few ms.
 */

import { describe, expect, it } from 'vitest';
import { ALL_CAPABILITIES, testModel } from '../../test/support/fixtures.ts';
import type { ModelDeployments } from '../config/resolved.ts';
import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ChatResponse, StreamBatch, StreamPart } from '../core/response.ts';
import type { CallContext, ProviderAdapter } from '../providers/contract.ts';
import { DIRECT_COMMIT, type ExecutionPlan } from '../routing/plan.ts';
import { createExecutor, type ExecutionContext } from './execute.ts';

type Step =
  | { readonly kind: 'answer'; readonly text: string; readonly afterMs?: number }
  | { readonly kind: 'fail'; readonly error: GatewayError }
  /** Streams `texts` one part per batch, then finishes — or fails with `cut` after them. */
  | { readonly kind: 'stream'; readonly texts: readonly string[]; readonly cut?: GatewayError };

interface Scripted extends ProviderAdapter {
  readonly calls: { readonly request: ChatRequest; readonly signal: AbortSignal }[];
}

const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

function scripted(name: string, steps: Step[], prefill = true): Scripted {
  const calls: Scripted['calls'] = [];
  const next = (request: ChatRequest, context: CallContext): Step => {
    calls.push({ request, signal: context.signal });
    const step = steps.shift();
    if (step === undefined) throw new Error(`${name}: no scripted step left`);
    if (step.kind === 'fail') throw step.error;
    return step;
  };
  return {
    contractVersion: 1,
    name,
    type: 'scripted',
    calls,
    parameters: { topK: true, seed: true, penalties: true },
    capabilities: () => ({ ...ALL_CAPABILITIES, assistantPrefill: prefill }),
    async generate(request, model, context): Promise<ChatResponse> {
      const step = next(request, context);
      if (step.kind !== 'answer') throw new Error('not a generate step');
      await wait(step.afterMs ?? 0, context.signal);
      return {
        id: `${name}-1`,
        upstreamModel: model.upstreamModel,
        created: 1,
        text: step.text,
        toolCalls: [],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: 10, outputTokens: 5 },
      };
    },
    async stream(request, model, context): Promise<AsyncIterable<StreamBatch>> {
      const step = next(request, context);
      if (step.kind !== 'stream') throw new Error('not a stream step');
      const parts: StreamPart[] = [
        { type: 'stream-start', id: name, upstreamModel: model.upstreamModel, created: 1 },
        { type: 'text-start' },
        ...step.texts.map((text): StreamPart => ({ type: 'text-delta', text })),
        step.cut === undefined
          ? { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' } }
          : { type: 'error', error: step.cut },
      ];
      return (async function* () {
        for (const part of parts) yield [part];
      })();
    },
    ready: () => true,
    close: async () => undefined,
  };
}

const request: ChatRequest = {
  model: 'auto',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
  sampling: {},
  stream: true,
  includeUsage: true,
  metadata: {},
};

function plan(targets: ResolvedModel[], overrides: Partial<ExecutionPlan> = {}): ExecutionPlan {
  const ids = targets.map((target) => target.id);
  return {
    route: 'test',
    strategy: 'fallback',
    targets,
    onUnsupported: 'strict',
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, budget: 0 },
    deadlineMs: 10_000,
    firstTokenMs: undefined,
    commit: DIRECT_COMMIT,
    hedge: undefined,
    logBodies: false,
    verification: undefined,
    request,
    decision: {
      requested: 'auto',
      route: 'test',
      selection: 'requested-route',
      rules: [],
      candidates: ids,
      removed: [],
      targets: ids,
    },
    ...overrides,
  };
}

const context = (): ExecutionContext => ({
  requestId: 'req-1',
  signal: new AbortController().signal,
  clientHeaders: {},
  fieldName: (feature) => feature,
});

const modelOn = (provider: string, id = provider): ResolvedModel =>
  testModel({ id, provider, upstreamModel: id });
const serverError = (provider: string): GatewayError =>
  new GatewayError('upstream_server_error', 'boom', { provider, upstreamStatus: 500 });
const cut = new GatewayError('stream_truncated', 'connection reset mid-stream');

async function drain(parts: AsyncIterable<StreamBatch>): Promise<StreamPart[]> {
  const all: StreamPart[] = [];
  for await (const batch of parts) all.push(...batch);
  return all;
}

const textOf = (parts: readonly StreamPart[]): string =>
  parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('hedging', () => {
  it('starts the next target when the first is silent past the delay; the first to answer wins', async () => {
    const slow = scripted('slow', [{ kind: 'answer', text: 'late', afterMs: 2_000 }]);
    const fast = scripted('fast', [{ kind: 'answer', text: 'quick', afterMs: 5 }]);
    const executor = createExecutor(
      new Map([
        ['slow', slow],
        ['fast', fast],
      ]),
      new Map(),
    );
    const started = performance.now();
    const outcome = await executor.generate(
      plan([modelOn('slow'), modelOn('fast')], { hedge: { afterMs: 30, quantile: undefined } }),
      { ...request, stream: false },
      context(),
    );
    expect(outcome.response.text).toBe('quick');
    expect(outcome.served.id).toBe('fast');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome.attempts.map((attempt) => [attempt.target, attempt.outcome])).toEqual([
      ['slow', 'cancelled'],
      ['fast', 'ok'],
    ]);
    expect(slow.calls[0]?.signal.aborted).toBe(true);
  });

  it('does not hedge a target that answers before the delay', async () => {
    const first = scripted('first', [{ kind: 'answer', text: 'ok', afterMs: 1 }]);
    const second = scripted('second', []);
    const executor = createExecutor(
      new Map([
        ['first', first],
        ['second', second],
      ]),
      new Map(),
    );
    const outcome = await executor.generate(
      plan([modelOn('first'), modelOn('second')], { hedge: { afterMs: 200, quantile: undefined } }),
      { ...request, stream: false },
      context(),
    );
    expect(outcome.attempts).toHaveLength(1);
    expect(second.calls).toHaveLength(0);
  });
});

describe('deployments of one model', () => {
  it('try another deployment of the same model after a deployment fault, before the next target', async () => {
    const east = scripted('east', [{ kind: 'fail', error: serverError('east') }]);
    const west = scripted('west', [{ kind: 'answer', text: 'from west' }]);
    const model = modelOn('east', 'm');
    const deployments = new Map<string, ModelDeployments>([
      [
        'm',
        {
          balance: 'weighted',
          deployments: [
            { id: 'east/m', model, weight: 1, rpm: undefined, tpm: undefined, gate: undefined },
            {
              id: 'west/m',
              model: { ...model, provider: 'west' },
              weight: 0.000001,
              rpm: undefined,
              tpm: undefined,
              gate: undefined,
            },
          ],
        },
      ],
    ]);
    const next = scripted('next', []);
    const executor = createExecutor(
      new Map([
        ['east', east],
        ['west', west],
        ['next', next],
      ]),
      new Map(),
      {
        deployments,
      },
    );
    const outcome = await executor.generate(
      plan([model, modelOn('next')]),
      { ...request, stream: false },
      context(),
    );
    expect(outcome.response.text).toBe('from west');
    expect(outcome.served.provider).toBe('west');
    expect(outcome.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([
      ['east/m', 'upstream_server_error'],
      ['west/m', 'ok'],
    ]);
    expect(next.calls).toHaveLength(0);
  });
});

describe('commit modes', () => {
  it('first-token: a cut after commit ends in-band, and the attempt keeps its estimated cost', async () => {
    const primary = scripted('primary', [{ kind: 'stream', texts: ['Hello ', 'wor'], cut }]);
    const backup = scripted('backup', []);
    const executor = createExecutor(
      new Map([
        ['primary', primary],
        ['backup', backup],
      ]),
      new Map(),
    );
    const outcome = await executor.stream(plan([modelOn('primary'), modelOn('backup')]), request, context());
    const parts = await drain(outcome.parts);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'stream_truncated' } });
    expect(backup.calls).toHaveLength(0);
    const [attempt] = outcome.attempts;
    expect(attempt).toMatchObject({ outcome: 'stream_truncated', usage: { outputTokens: 2 } });
    expect(attempt?.costUsd).toBeGreaterThan(0);
  });

  it('buffer: the same cut restarts on the fallback unseen; the failed attempt is billed', async () => {
    const primary = scripted('primary', [{ kind: 'stream', texts: ['Hello ', 'wor'], cut }]);
    const backup = scripted('backup', [{ kind: 'stream', texts: ['Clean ', 'answer.'] }]);
    const executor = createExecutor(
      new Map([
        ['primary', primary],
        ['backup', backup],
      ]),
      new Map(),
    );
    const buffered = { ...DIRECT_COMMIT, mode: 'buffer' as const };
    const outcome = await executor.stream(
      plan([modelOn('primary'), modelOn('backup')], { commit: buffered }),
      request,
      context(),
    );
    const parts = await drain(outcome.parts);
    expect(textOf(parts)).toBe('Clean answer.');
    expect(parts.filter((part) => part.type === 'stream-start')).toHaveLength(1);
    expect(parts.at(-1)?.type).toBe('usage');
    expect(outcome.attempts.map((attempt) => attempt.outcome)).toEqual(['stream_truncated', 'ok']);
    expect(outcome.attempts[0]?.costUsd).toBeGreaterThan(0);
    expect(outcome.attempts[1]?.usage).toBeDefined();
  });
});

describe('resume: prefill', () => {
  const resuming = { ...DIRECT_COMMIT, resume: 'prefill' as const };

  it('continues a cut answer on the next target that takes prefill, in one clean stream', async () => {
    const primary = scripted('primary', [{ kind: 'stream', texts: ['Hello ', 'wor'], cut }]);
    const backup = scripted('backup', [{ kind: 'stream', texts: ['ld, again.'] }]);
    const executor = createExecutor(
      new Map([
        ['primary', primary],
        ['backup', backup],
      ]),
      new Map(),
    );
    const outcome = await executor.stream(
      plan([modelOn('primary'), modelOn('backup')], { commit: resuming }),
      request,
      context(),
    );
    const parts = await drain(outcome.parts);
    expect(textOf(parts)).toBe('Hello world, again.');
    expect(parts.some((part) => part.type === 'error')).toBe(false);
    expect(parts.filter((part) => part.type === 'stream-start')).toHaveLength(1);
    expect(parts.some((part) => part.type === 'finish')).toBe(true);
    // The continuation was asked to go on from exactly what the client already has.
    expect(backup.calls[0]?.request.messages.at(-1)).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello wor' }],
    });
    expect(outcome.attempts.map((attempt) => attempt.outcome)).toEqual(['stream_truncated', 'ok']);
  });

  it('ends in-band when the remaining targets cannot continue an answer', async () => {
    const primary = scripted('primary', [{ kind: 'stream', texts: ['Hello '], cut }]);
    const noPrefill = scripted('plain', [], false);
    const executor = createExecutor(
      new Map([
        ['primary', primary],
        ['plain', noPrefill],
      ]),
      new Map(),
    );
    const outcome = await executor.stream(
      plan([modelOn('primary'), modelOn('plain')], { commit: resuming }),
      request,
      context(),
    );
    const parts = await drain(outcome.parts);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'stream_truncated' } });
    expect(noPrefill.calls).toHaveLength(0);
  });
});
