/**
 * Anthropic streamed message (server-sent events `message_start`, `content_block_start|delta|stop`,
 * `message_delta`, `message_stop`, with `ping`s anywhere; https://docs.claude.com/en/docs/build-with-claude/streaming)
 * → canonical stream parts.
 *
 * The stream always ends with exactly one `finish` or one `error` part:
 * - `message_stop` ends the stream; `usage` precedes `finish`. Anthropic always sends it, so a body that
 *   ends without it is `stream_truncated`, even after a `message_delta` with a stop reason.
 * - Invalid JSON or an unexpected shape is `upstream_bad_response`; an `event: error` (e.g.
 *   `overloaded_error`) is mapped like an HTTP error; a transport failure keeps its own code.
 *
 * Content blocks are addressed by Anthropic's block index; canonical tool calls are numbered 0, 1, … in
 * the order they start. In JSON mode the emulating tool's input is streamed as text.
 */

import { newId } from '../../core/ids.ts';
import type { FinishReason, StreamBatch, StreamPart } from '../../core/response.ts';
import { BaseStreamDecoder, decodeEventStream } from '../stream-decoding.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { convertUsage, type AnthropicUsage } from './convert-usage.ts';
import type { DecodeContext } from './decode-response.ts';
import { JSON_TOOL_NAME } from './json-mode.ts';
import { mapFinishReason } from './map-finish-reason.ts';
import { mapStreamError, readErrorInfo } from './map-error.ts';
import {
  readEvent,
  type AnthropicStreamEvent,
  type ContentBlockDeltaEvent,
  type ContentBlockStartEvent,
} from './read-event.ts';

/** What an Anthropic content block becomes; plain numbers so the per-block state is two flat arrays. */
const SKIPPED = 0; // thinking, server-tool and unknown blocks, and blocks already stopped
const TEXT = 1;
const TOOL_CALL = 2;
/** The JSON-mode tool: its input arrives as `input_json_delta` and leaves as text. */
const JSON_TEXT = 3;

const MISSING_FINISH: FinishReason = { unified: 'other', raw: null };

/** Turns events into parts; pure state, no I/O. */
export class AnthropicEventDecoder extends BaseStreamDecoder<DecodeContext> {
  #textOpen = false;
  /** Per Anthropic block index: its kind, and for tool calls the canonical call index. */
  readonly #blockKinds: number[] = [];
  readonly #blockCalls: number[] = [];
  /** Per canonical call: whether any argument text was sent. */
  readonly #callHasArguments: boolean[] = [];
  #finishReason: FinishReason | undefined = undefined;
  // Usage as reported so far: `message_start` gives the input side, `message_delta` running totals.
  #sawUsage = false;
  #inputTokens: number | undefined = undefined;
  #outputTokens: number | undefined = undefined;
  #cacheReadTokens: number | undefined = undefined;
  #cacheWriteTokens: number | undefined = undefined;

  applyEvent(event: ServerSentEvent, parts: StreamPart[]): boolean {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      this.fail(
        event.event === 'error'
          ? mapStreamError({ type: undefined, message: event.data, requestId: undefined }, this.context)
          : this.badEvent('The upstream sent a stream event that is not valid JSON', error),
        parts,
      );
      return true;
    }
    if (event.event === 'error' || (json as { type?: unknown } | null)?.type === 'error') {
      const info = readErrorInfo(json) ?? { type: undefined, message: event.data, requestId: undefined };
      this.fail(mapStreamError(info, this.context), parts);
      return true;
    }
    const reading = readEvent(json);
    if (reading === undefined) return false;
    if (typeof reading === 'string') {
      this.fail(this.badEvent(`The upstream sent a stream event in an unexpected shape: ${reading}`), parts);
      return true;
    }
    return this.#applyMessageEvent(reading, parts);
  }

  /** Anthropic always ends with `message_stop`, so a body without it is cut short, stop reason or not. */
  protected bodyEndIsComplete(): boolean {
    return false;
  }

  protected complete(parts: StreamPart[]): void {
    this.ensureStarted(parts);
    for (let index = 0; index < this.#blockKinds.length; index++) this.#stopBlock(index, parts);
    if (this.#sawUsage) {
      const usage: AnthropicUsage = {
        input_tokens: this.#inputTokens,
        output_tokens: this.#outputTokens,
        cache_read_input_tokens: this.#cacheReadTokens,
        cache_creation_input_tokens: this.#cacheWriteTokens,
      };
      parts.push({ type: 'usage', usage: convertUsage(usage) });
    }
    parts.push({ type: 'finish', finishReason: this.#finishReason ?? MISSING_FINISH });
  }

  /** Applies one checked event; true when it ended the stream (`message_stop`). */
  #applyMessageEvent(event: AnthropicStreamEvent, parts: StreamPart[]): boolean {
    switch (event.type) {
      case 'content_block_delta':
        this.#applyDelta(event, parts);
        return false;
      case 'content_block_start':
        this.ensureStarted(parts);
        this.#startBlock(event, parts);
        return false;
      case 'content_block_stop':
        this.#stopBlock(event.index, parts);
        return false;
      case 'message_start': {
        const { message } = event;
        if (!this.started) {
          this.started = true;
          parts.push({
            type: 'stream-start',
            id: message.id ?? '',
            upstreamModel: message.model ?? this.context.upstreamModel,
            // Anthropic's message has no creation time.
            created: Math.floor(Date.now() / 1000),
          });
        }
        this.#recordUsage(message.usage);
        return false;
      }
      case 'message_delta': {
        const stopReason = event.delta?.stop_reason;
        if (stopReason !== undefined && stopReason !== null) {
          this.#finishReason = mapFinishReason(stopReason, this.context.jsonMode);
        }
        this.#recordUsage(event.usage);
        return false;
      }
      case 'message_stop':
        this.complete(parts);
        return true;
      case 'ping':
        return false;
    }
  }

  #startBlock(event: ContentBlockStartEvent, parts: StreamPart[]): void {
    const block = event.content_block;
    let kind = SKIPPED;
    if (block.type === 'text') kind = TEXT;
    else if (block.type === 'tool_use') {
      kind = this.context.jsonMode && block.name === JSON_TOOL_NAME ? JSON_TEXT : TOOL_CALL;
    }
    this.#blockKinds[event.index] = kind;
    if (kind === TOOL_CALL) {
      this.#closeText(parts);
      const call = this.#callHasArguments.length;
      this.#callHasArguments.push(false);
      this.#blockCalls[event.index] = call;
      parts.push({
        type: 'tool-call-start',
        index: call,
        id: block.id ?? newId('toolu'),
        name: block.name ?? '',
      });
    } else if (kind === TEXT && block.text !== undefined && block.text !== null) {
      this.#emitText(block.text, parts);
    }
  }

  #applyDelta(event: ContentBlockDeltaEvent, parts: StreamPart[]): void {
    const kind = this.#blockKinds[event.index];
    const { delta } = event;
    // thinking_delta, signature_delta and citations_delta carry nothing the canonical stream has.
    if (kind === TEXT) {
      if (delta.type === 'text_delta' && delta.text !== undefined && delta.text !== null)
        this.#emitText(delta.text, parts);
    } else if (kind === JSON_TEXT) {
      if (
        delta.type === 'input_json_delta' &&
        delta.partial_json !== undefined &&
        delta.partial_json !== null
      )
        this.#emitText(delta.partial_json, parts);
    } else if (kind === TOOL_CALL && delta.type === 'input_json_delta') {
      const argumentsDelta = delta.partial_json;
      // Anthropic often opens a call with an empty fragment.
      if (argumentsDelta === undefined || argumentsDelta === null || argumentsDelta.length === 0) return;
      const call = this.#blockCalls[event.index]!;
      this.#callHasArguments[call] = true;
      parts.push({ type: 'tool-call-delta', index: call, argumentsDelta });
    }
  }

  #stopBlock(index: number, parts: StreamPart[]): void {
    const kind = this.#blockKinds[index];
    if (kind === undefined || kind === SKIPPED) return;
    this.#blockKinds[index] = SKIPPED;
    if (kind !== TOOL_CALL) {
      this.#closeText(parts);
      return;
    }
    const call = this.#blockCalls[index]!;
    // A call without arguments still has JSON arguments, as in a whole response (`{}`).
    if (this.#callHasArguments[call] !== true) {
      parts.push({ type: 'tool-call-delta', index: call, argumentsDelta: '{}' });
    }
    parts.push({ type: 'tool-call-end', index: call });
  }

  /** Text opens on its first non-empty delta, so an empty block leaves no trace in the stream. */
  #emitText(text: string, parts: StreamPart[]): void {
    if (text.length === 0) return;
    if (!this.#textOpen) {
      this.#textOpen = true;
      parts.push({ type: 'text-start' });
    }
    parts.push({ type: 'text-delta', text });
  }

  #closeText(parts: StreamPart[]): void {
    if (!this.#textOpen) return;
    this.#textOpen = false;
    parts.push({ type: 'text-end' });
  }

  /** Later reports replace earlier ones field by field: every figure Anthropic sends is a running total. */
  #recordUsage(usage: AnthropicUsage | null | undefined): void {
    if (usage === null || usage === undefined) return;
    this.#sawUsage = true;
    this.#inputTokens = usage.input_tokens ?? this.#inputTokens;
    this.#outputTokens = usage.output_tokens ?? this.#outputTokens;
    this.#cacheReadTokens = usage.cache_read_input_tokens ?? this.#cacheReadTokens;
    this.#cacheWriteTokens = usage.cache_creation_input_tokens ?? this.#cacheWriteTokens;
  }
}

/** Decodes batches of events (one batch per network read, see `parseEventStreamBatches`) into parts. */
export function decodeStream(
  batches: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>,
  context: DecodeContext,
): AsyncGenerator<StreamBatch, void, undefined> {
  return decodeEventStream(batches, new AnthropicEventDecoder(context), context);
}
