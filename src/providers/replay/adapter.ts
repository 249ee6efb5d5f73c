/**
 * The `replay` provider: answers with recorded outcomes (the learned-router format) instead of calling a
 * model, matched by prompt text and the model's `upstream` name. With it a whole routing config runs end
 * to end through the gateway on real recorded answers — `switchyard eval` is built on it.
 *
 * A prompt with no recording for the model fails with `upstream_not_found` (a fallback chain moves on),
 * or with `on_miss: simulate` gets the simulator's seeded prose. Usage is estimated from text lengths;
 * the recorded quality and cost stay in the file, where eval reads them.
 */

import { basename } from 'node:path';
import type { ReplayProviderSettings, ResolvedProvider } from '../../config/resolved.ts';
import { REPLAY_DEFAULTS } from '../../config/schema-replay.ts';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import type { ModelCapabilities, ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse, StreamBatch, StreamPart } from '../../core/response.ts';
import { estimateTokens } from '../../features/tokens.ts';
import { promptTextFromMessages } from '../../learning/router/outcomes.ts';
import { narrowCapabilities } from '../adapter-support.ts';
import { PROVIDER_CONTRACT_VERSION, type CallContext, type ProviderAdapter } from '../contract.ts';
import { loadRecordings, type RecordingIndex } from './recordings.ts';
import { simulateAnswer } from './simulated-answer.ts';

/** What a recording can honour: text, nothing structured (tool calls, JSON, logprobs were not recorded). */
const REPLAY_CAPABILITIES: ModelCapabilities = Object.freeze({
  tools: false,
  parallelToolCalls: false,
  jsonObject: false,
  jsonSchema: false,
  vision: true,
  logprobs: false,
  assistantPrefill: false,
});

/** The answer of an outcome recorded without its response text (quality and cost only). */
export const UNRECORDED_RESPONSE_TEXT = '(recorded outcome without response text)';

/** A stream is the recorded text cut into about this many deltas, so clients see a real stream. */
const STREAM_DELTAS = 4;

export async function createReplayAdapter(provider: ResolvedProvider): Promise<ProviderAdapter> {
  const settings = provider.replay;
  if (settings === undefined) {
    throw new GatewayError(
      'internal_error',
      `Provider '${provider.name}' is of type replay but has no replay settings`,
    );
  }
  const recordings = await loadRecordings(settings.outcomesPath);
  let closed = false;

  const answer = (request: ChatRequest, model: ResolvedModel, context: CallContext) =>
    replayAnswer(recordings, settings, provider.name, request, model, context);

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: 'replay',
    // Sampling parameters cannot change a recording; accepting them keeps requests from being refused.
    parameters: Object.freeze({ topK: true, seed: true, penalties: true }),
    capabilities: (model) => narrowCapabilities(model.capabilities, REPLAY_CAPABILITIES),
    generate: answer,
    async stream(request, model, context) {
      return streamOf(await answer(request, model, context));
    },
    ready: () => !closed,
    async close() {
      closed = true;
    },
  };
}

async function replayAnswer(
  recordings: RecordingIndex,
  settings: ReplayProviderSettings,
  providerName: string,
  request: ChatRequest,
  model: ResolvedModel,
  context: CallContext,
): Promise<ChatResponse> {
  const prompt = promptTextFromMessages(request.messages);
  const inputTokens = estimateTokens(prompt);
  const outcome = recordings.find(prompt, model.upstreamModel);
  let text: string;
  let outputTokens: number;
  let finishedByLength = false;
  if (outcome !== undefined) {
    if (settings.latency === 'recorded' && outcome.latency_ms !== undefined) {
      await wait(outcome.latency_ms, context.signal);
    }
    text = outcome.response ?? UNRECORDED_RESPONSE_TEXT;
    outputTokens = estimateTokens(text);
  } else if (settings.onMiss === 'simulate') {
    const simulated = simulateAnswer(request, model.upstreamModel, REPLAY_DEFAULTS.simulateSeed, inputTokens);
    ({ text, outputTokens, finishedByLength } = simulated);
  } else {
    throw new GatewayError(
      'upstream_not_found',
      `No recording for this prompt and model "${model.upstreamModel}" in ${basename(settings.outcomesPath)}`,
      { provider: providerName, model: model.id },
    );
  }
  return {
    id: `replay-${context.requestId}`,
    upstreamModel: model.upstreamModel,
    created: Math.floor(Date.now() / 1000),
    text,
    toolCalls: [],
    finishReason: finishedByLength ? { unified: 'length', raw: 'length' } : { unified: 'stop', raw: 'stop' },
    usage: { inputTokens, outputTokens },
  };
}

/** The answer as a stream: start, the text in a few deltas (one batch each), then usage and finish. */
function streamOf(response: ChatResponse): AsyncIterable<StreamBatch> {
  const start: StreamPart = {
    type: 'stream-start',
    id: response.id,
    upstreamModel: response.upstreamModel,
    created: response.created,
  };
  const pieces = splitText(response.text, STREAM_DELTAS);
  const batches: StreamPart[][] = [[start]];
  if (pieces.length > 0) {
    batches[0]!.push({ type: 'text-start' });
    for (const piece of pieces) batches.push([{ type: 'text-delta', text: piece }]);
    batches.push([{ type: 'text-end' }]);
  }
  const last = batches[batches.length - 1]!;
  if (response.usage !== undefined) last.push({ type: 'usage', usage: response.usage });
  last.push({ type: 'finish', finishReason: response.finishReason });
  return {
    async *[Symbol.asyncIterator]() {
      yield* batches;
    },
  };
}

/** `text` in at most `count` pieces of about equal length, each cut after a space where there is one. */
export function splitText(text: string, count: number): string[] {
  const pieces: string[] = [];
  const size = Math.ceil(text.length / count);
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    const space = text.indexOf(' ', end);
    if (end < text.length && space !== -1 && space - end < size) end = space + 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      const reason: unknown = signal.reason;
      reject(
        isGatewayError(reason)
          ? reason
          : new GatewayError('client_closed_request', 'The request was aborted by the caller', {
              cause: reason,
            }),
      );
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
