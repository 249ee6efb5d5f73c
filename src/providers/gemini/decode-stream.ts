/**
 * Gemini `streamGenerateContent?alt=sse` (server-sent events, each `data:` a `GenerateContentResponse`
 * piece, with no end marker) → canonical stream parts.
 *
 * The stream always ends with exactly one `finish` or one `error` part:
 * - The body's end completes the stream if some piece carried a `finishReason`, which is Gemini's only
 *   sign that the answer is whole; `usage` (the last `usageMetadata`, a running total) precedes `finish`.
 * - A body that ends without a `finishReason` is `stream_truncated`; invalid JSON is
 *   `upstream_bad_response`; an in-stream `{"error": …}` is mapped like an HTTP error; a blocked prompt
 *   (`promptFeedback.blockReason`) is `content_filtered`; a transport failure keeps its own code.
 * - Gemini sends each function call whole in one piece, so a call is its start, one delta with the whole
 *   arguments JSON, and its end. Thought parts (`thought: true`) are reasoning, not answer, and skipped.
 */

import type { GatewayError } from '../../core/errors.ts';
import type { FinishReason, StreamBatch, StreamPart, Usage } from '../../core/response.ts';
import { BaseStreamDecoder, decodeEventStream } from '../stream-decoding.ts';
import type { EventStreamEnd, ServerSentEvent } from '../transport/event-stream.ts';
import { convertUsage } from './convert-usage.ts';
import { blockedPromptError, type DecodeContext } from './decode-response.ts';
import { mapStreamError, readErrorInfo } from './map-error.ts';
import { mapFinishReason } from './map-finish-reason.ts';
import {
  firstCandidate,
  readResponse,
  toolCallId,
  type GeminiFunctionCall,
  type GeminiResponse,
} from './read-response.ts';

/** Turns pieces into parts; pure state, no I/O. */
export class GeminiChunkDecoder extends BaseStreamDecoder<DecodeContext> {
  #responseId: string | null | undefined = undefined;
  #textOpen = false;
  #toolCalls = 0;
  #rawFinishReason: string | undefined = undefined;
  #usage: Usage | undefined = undefined;

  applyEvent(event: ServerSentEvent, parts: StreamPart[]): boolean {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      this.fail(this.badEvent('The upstream sent a stream event that is not valid JSON', error), parts);
      return true;
    }
    if (typeof json === 'object' && json !== null && 'error' in json) {
      const info = readErrorInfo(json) ?? {
        code: undefined,
        message: event.data,
        status: undefined,
        reason: undefined,
        retryDelayMs: undefined,
      };
      this.fail(mapStreamError(info, this.context), parts);
      return true;
    }
    const reading = readResponse(json);
    if (reading.problem !== undefined) {
      this.fail(
        this.badEvent(`The upstream sent a stream event in an unexpected shape: ${reading.problem}`),
        parts,
      );
      return true;
    }
    const blocked = this.#applyChunk(reading.response, parts);
    if (blocked === undefined) return false;
    this.fail(blocked, parts);
    return true;
  }

  /** Gemini has no end marker: the body's end completes the answer only after a `finishReason`. */
  protected bodyEndIsComplete(): boolean {
    return this.#rawFinishReason !== undefined;
  }

  protected complete(parts: StreamPart[]): void {
    this.ensureStarted(parts);
    this.#closeText(parts);
    if (this.#usage !== undefined) parts.push({ type: 'usage', usage: this.#usage });
    const finishReason: FinishReason = mapFinishReason(this.#rawFinishReason, this.#toolCalls > 0);
    parts.push({ type: 'finish', finishReason });
  }

  /** Applies one piece; returns an error when the piece is a blocked prompt. */
  #applyChunk(response: GeminiResponse, parts: StreamPart[]): GatewayError | undefined {
    if (!this.started) {
      this.started = true;
      this.#responseId = response.responseId;
      parts.push({
        type: 'stream-start',
        id: response.responseId ?? '',
        upstreamModel: response.modelVersion ?? this.context.upstreamModel,
        created: Math.floor(Date.now() / 1000),
      });
    }
    // Each piece's usage is the running total so far; the last one is the answer's.
    if (response.usageMetadata !== null && response.usageMetadata !== undefined) {
      this.#usage = convertUsage(response.usageMetadata);
    }
    const candidate = firstCandidate(response);
    if (candidate === undefined) return blockedPromptError(response, this.context, undefined);
    if (this.#rawFinishReason !== undefined) return undefined;
    const pieces = candidate.content?.parts;
    if (pieces !== undefined && pieces !== null) {
      for (let index = 0; index < pieces.length; index++) {
        const piece = pieces[index]!;
        if (piece.thought === true) continue;
        const text = piece.text;
        if (text !== undefined && text !== null && text.length > 0) {
          if (!this.#textOpen) {
            this.#textOpen = true;
            parts.push({ type: 'text-start' });
          }
          parts.push({ type: 'text-delta', text });
        }
        if (piece.functionCall !== undefined && piece.functionCall !== null) {
          this.#applyToolCall(piece.functionCall, parts);
        }
      }
    }
    const finishReason = candidate.finishReason;
    if (finishReason !== undefined && finishReason !== null) {
      this.#closeText(parts);
      this.#rawFinishReason = finishReason;
    }
    return undefined;
  }

  #applyToolCall(call: GeminiFunctionCall, parts: StreamPart[]): void {
    this.#closeText(parts);
    const index = this.#toolCalls++;
    parts.push(
      { type: 'tool-call-start', index, id: toolCallId(call, this.#responseId, index), name: call.name },
      { type: 'tool-call-delta', index, argumentsDelta: JSON.stringify(call.args ?? {}) },
      { type: 'tool-call-end', index },
    );
  }

  #closeText(parts: StreamPart[]): void {
    if (!this.#textOpen) return;
    this.#textOpen = false;
    parts.push({ type: 'text-end' });
  }
}

/** Decodes batches of events (one batch per network read, see `parseEventStreamBatches`) into parts. */
export function decodeStream(
  batches: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>,
  context: DecodeContext,
): AsyncGenerator<StreamBatch, void, undefined> {
  return decodeEventStream(batches, new GeminiChunkDecoder(context), context);
}
