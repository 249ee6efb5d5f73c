/**
 * The stream handed to the server once an attempt has committed: the parts read before commit as one
 * batch, then the rest of the upstream's batches, plus an estimated `usage` part if the upstream never
 * reported one.
 *
 * A plain iterator rather than an async generator: every batch of every stream passes through here, and
 * a generator costs several promise hops per step where this costs one.
 */

import type { StreamBatch, StreamPart, Usage } from '../core/response.ts';

const FINISHED: IteratorReturnResult<undefined> = { done: true, value: undefined };
const FINISHED_PROMISE = Promise.resolve(FINISHED);

export class CommittedStream implements AsyncIterableIterator<StreamBatch, undefined> {
  #head: StreamBatch | undefined;
  readonly #rest: AsyncIterator<StreamBatch>;
  readonly #estimateUsage: (outputText: string) => Usage;
  #sawUsage = false;
  #finished = false;
  /** Output text, kept only to estimate usage for upstreams that report none. */
  #output = '';

  constructor(
    head: StreamBatch,
    rest: AsyncIterator<StreamBatch>,
    estimateUsage: (outputText: string) => Usage,
  ) {
    this.#head = head;
    this.#rest = rest;
    this.#estimateUsage = estimateUsage;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamBatch, undefined>> {
    const head = this.#head;
    if (head !== undefined) {
      this.#head = undefined;
      return Promise.resolve(this.#observed(head));
    }
    if (this.#finished) return FINISHED_PROMISE;
    return this.#rest.next().then(this.#afterUpstreamBatch);
  }

  return(): Promise<IteratorResult<StreamBatch, undefined>> {
    if (this.#finished) return FINISHED_PROMISE;
    this.#finished = true;
    return Promise.resolve(this.#rest.return?.()).then(() => FINISHED);
  }

  readonly #afterUpstreamBatch = (
    result: IteratorResult<StreamBatch>,
  ): IteratorResult<StreamBatch, undefined> => {
    if (result.done === true) {
      this.#finished = true;
      if (this.#sawUsage) return FINISHED;
      this.#sawUsage = true;
      return { done: false, value: [{ type: 'usage', usage: this.#estimateUsage(this.#output) }] };
    }
    return this.#observed(result.value);
  };

  #observed(batch: StreamBatch): IteratorResult<StreamBatch, undefined> {
    for (const part of batch) this.#observe(part);
    return { done: false, value: batch };
  }

  #observe(part: StreamPart): void {
    switch (part.type) {
      case 'usage':
        this.#sawUsage = true;
        break;
      case 'text-delta':
        this.#output += part.text;
        break;
      case 'tool-call-delta':
        this.#output += part.argumentsDelta;
        break;
      case 'error':
        // Nothing follows an error; release the upstream now rather than waiting for the consumer.
        if (!this.#finished) {
          this.#finished = true;
          void this.#rest.return?.();
        }
        break;
      default:
        break;
    }
  }
}
