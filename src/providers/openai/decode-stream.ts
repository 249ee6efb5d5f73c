/**
 * OpenAI streamed chat completion (server-sent `chat.completion.chunk` objects, then `data: [DONE]`;
 * https://platform.openai.com/docs/api-reference/chat-streaming) → canonical stream parts.
 *
 * The stream always ends with exactly one `finish` or one `error` part:
 * - `[DONE]` ends the stream; `usage` (from the usage-only chunk) precedes `finish`.
 * - A body that ends after a `finish_reason` but without `[DONE]` is accepted as complete: the answer
 *   itself is whole, and some OpenAI-compatible servers never send `[DONE]`. Only the final usage chunk
 *   can be missing then, which costs accounting precision, not correctness for the client.
 * - A body that ends before any `finish_reason` is `stream_truncated`; invalid JSON is
 *   `upstream_bad_response`; an in-stream `{"error": …}` is mapped like an HTTP error; a transport
 *   failure (reset, idle timeout, abort) is passed on with its own code.
 */

import { newId } from '../../core/ids.ts';
import type { FinishReason, StreamBatch, StreamPart, Usage } from '../../core/response.ts';
import { BaseStreamDecoder, decodeEventStream } from '../stream-decoding.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { convertUsage } from './convert-usage.ts';
import type { DecodeContext } from './decode-response.ts';
import { mapStreamError, readErrorInfo } from './map-error.ts';
import { readLogprobs } from './convert-logprobs.ts';
import { mapFinishReason } from './map-finish-reason.ts';
import { readChunk, type OpenAIChunk, type OpenAIToolCallDelta } from './read-chunk.ts';

interface ToolCallState {
  id: string | undefined;
  name: string | undefined;
  started: boolean;
  /** Argument text that arrived before the call's name (some servers split them). */
  pendingArguments: string;
}

const MISSING_FINISH: FinishReason = { unified: 'other', raw: null };

/** Turns chunks into parts; pure state, no I/O. */
export class OpenAIChunkDecoder extends BaseStreamDecoder<DecodeContext> {
  #textOpen = false;
  readonly #toolCalls: ToolCallState[] = [];
  #finishReason: FinishReason | undefined = undefined;
  #usage: Usage | undefined = undefined;

  applyEvent(event: ServerSentEvent, parts: StreamPart[]): boolean {
    if (event.data === '[DONE]') {
      this.complete(parts);
      return true;
    }
    let json: unknown;
    let parseError: unknown = undefined;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      parseError = error;
    }
    if (event.event === 'error' || (typeof json === 'object' && json !== null && 'error' in json)) {
      const info = readErrorInfo(json) ?? {
        message: event.data,
        type: undefined,
        code: undefined,
        param: undefined,
      };
      this.fail(mapStreamError(info, this.context), parts);
      return true;
    }
    if (parseError !== undefined) {
      this.fail(this.badEvent('The upstream sent a stream chunk that is not valid JSON', parseError), parts);
      return true;
    }
    const reading = readChunk(json);
    if (reading.problem !== undefined) {
      this.fail(
        this.badEvent(`The upstream sent a stream chunk in an unexpected shape: ${reading.problem}`),
        parts,
      );
      return true;
    }
    this.#applyChunk(reading.chunk, parts);
    return false;
  }

  /** A body may end after a `finish_reason` without `[DONE]`: the answer is whole, only usage may be missing. */
  protected bodyEndIsComplete(): boolean {
    return this.#finishReason !== undefined;
  }

  protected complete(parts: StreamPart[]): void {
    this.ensureStarted(parts);
    this.#closeOpenBlocks(parts);
    if (this.#usage !== undefined) parts.push({ type: 'usage', usage: this.#usage });
    parts.push({ type: 'finish', finishReason: this.#finishReason ?? MISSING_FINISH });
  }

  #applyChunk(chunk: OpenAIChunk, parts: StreamPart[]): void {
    if (!this.started) {
      this.started = true;
      parts.push({
        type: 'stream-start',
        id: chunk.id ?? '',
        upstreamModel: chunk.model ?? this.context.upstreamModel,
        created: chunk.created ?? Math.floor(Date.now() / 1000),
      });
    }
    // Keep the latest report: some servers send running usage on every chunk, OpenAI only on the last.
    if (chunk.usage !== null && chunk.usage !== undefined) this.#usage = convertUsage(chunk.usage);
    const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
    if (choice === undefined || this.#finishReason !== undefined) return;
    const content = choice.delta?.content;
    if (content !== undefined && content !== null && content.length > 0) {
      if (!this.#textOpen) {
        this.#textOpen = true;
        parts.push({ type: 'text-start' });
      }
      parts.push({ type: 'text-delta', text: content });
    }
    if (choice.logprobs !== undefined && choice.logprobs !== null) {
      const tokens = readLogprobs(choice.logprobs);
      if (tokens !== undefined) parts.push({ type: 'logprobs', tokens });
    }
    const toolCalls = choice.delta?.tool_calls;
    if (toolCalls !== undefined && toolCalls !== null) {
      for (let position = 0; position < toolCalls.length; position++) {
        this.#applyToolCall(toolCalls[position]!, position, parts);
      }
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      this.#closeOpenBlocks(parts);
      this.#finishReason = mapFinishReason(choice.finish_reason);
    }
  }

  #applyToolCall(delta: OpenAIToolCallDelta, position: number, parts: StreamPart[]): void {
    const index = delta.index ?? position;
    let state = this.#toolCalls[index];
    if (state === undefined) {
      state = { id: undefined, name: undefined, started: false, pendingArguments: '' };
      this.#toolCalls[index] = state;
    }
    state.id ??= delta.id ?? undefined;
    state.name ??= delta.function?.name ?? undefined;
    const argumentsDelta = delta.function?.arguments ?? '';
    if (!state.started && state.name !== undefined) {
      if (this.#textOpen) {
        this.#textOpen = false;
        parts.push({ type: 'text-end' });
      }
      state.started = true;
      state.id ??= newId('call');
      parts.push({ type: 'tool-call-start', index, id: state.id, name: state.name });
      if (state.pendingArguments.length > 0) {
        parts.push({ type: 'tool-call-delta', index, argumentsDelta: state.pendingArguments });
        state.pendingArguments = '';
      }
    }
    if (argumentsDelta.length === 0) return;
    if (state.started) parts.push({ type: 'tool-call-delta', index, argumentsDelta });
    else state.pendingArguments += argumentsDelta;
  }

  #closeOpenBlocks(parts: StreamPart[]): void {
    if (this.#textOpen) {
      this.#textOpen = false;
      parts.push({ type: 'text-end' });
    }
    for (let index = 0; index < this.#toolCalls.length; index++) {
      const state = this.#toolCalls[index];
      if (state?.started === true) {
        state.started = false;
        parts.push({ type: 'tool-call-end', index });
      }
    }
  }
}

/** Decodes batches of events (one batch per network read, see `parseEventStreamBatches`) into parts. */
export function decodeStream(
  batches: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>,
  context: DecodeContext,
): AsyncGenerator<StreamBatch, void, undefined> {
  return decodeEventStream(batches, new OpenAIChunkDecoder(context), context);
}
