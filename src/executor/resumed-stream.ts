/**
 * `resume: prefill` — a committed stream that is cut continues on another model instead of ending in an
 * error: the text already sent becomes the start of that model's reply (assistant prefill), and its
 * output is spliced onto the same client stream. The client sees one answer from one stream; the
 * request record shows both attempts. Only text answers resume: a half-sent tool call cannot be
 * continued by another model. When nothing can resume it, the original in-band error goes out.
 */

import type { GatewayError } from '../core/errors.ts';
import type { StreamBatch, StreamPart } from '../core/response.ts';

/** Starts the continuation after `text`; undefined when no target can take it. */
export type Resume = (text: string, error: GatewayError) => Promise<AsyncIterator<StreamBatch> | undefined>;

export class ResumedStream implements AsyncIterableIterator<StreamBatch, undefined> {
  #current: AsyncIterator<StreamBatch>;
  readonly #resume: Resume;
  #text = '';
  #toolCalls = false;
  /** Parts a continuation repeats that the client already has (its stream start, its text block start). */
  #skipOpening = false;

  constructor(first: AsyncIterator<StreamBatch>, resume: Resume) {
    this.#current = first;
    this.#resume = resume;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<StreamBatch, undefined>> {
    for (;;) {
      const result = await this.#current.next();
      if (result.done === true) return { done: true, value: undefined };
      const batch = this.#skipOpening ? this.#withoutOpening(result.value) : result.value;
      const errorAt = batch.findIndex((part) => part.type === 'error');
      const error = batch[errorAt];
      if (error?.type !== 'error') {
        this.#observe(batch);
        if (batch.length > 0) return { done: false, value: batch };
        continue;
      }
      const before = batch.slice(0, errorAt);
      this.#observe(before);
      if (this.#toolCalls || this.#text === '') return { done: false, value: batch };
      const continuation = await this.#resume(this.#text, error.error);
      if (continuation === undefined) return { done: false, value: batch };
      this.#current = continuation;
      this.#skipOpening = true;
      if (before.length > 0) return { done: false, value: before };
    }
  }

  async return(): Promise<IteratorResult<StreamBatch, undefined>> {
    await this.#current.return?.();
    return { done: true, value: undefined };
  }

  #observe(batch: StreamBatch): void {
    for (const part of batch) {
      if (part.type === 'text-delta') this.#text += part.text;
      else if (part.type === 'tool-call-start') this.#toolCalls = true;
    }
  }

  #withoutOpening(batch: StreamBatch): StreamBatch {
    const kept: StreamPart[] = [];
    for (const part of batch) {
      if (this.#skipOpening && (part.type === 'stream-start' || part.type === 'text-start')) continue;
      if (part.type === 'text-delta' || part.type === 'finish') this.#skipOpening = false;
      kept.push(part);
    }
    return kept;
  }
}
