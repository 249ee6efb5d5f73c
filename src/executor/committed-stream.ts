/**
 * The stream handed to the server once an attempt has committed: the parts read before commit, then the
 * rest of the upstream's parts, plus an estimated `usage` part if the upstream never reported one.
 *
 * A plain iterator rather than an async generator: every part of every stream passes through here, and
 * a generator costs several promise hops per part where this costs one.
 */

import type { Usage, StreamPart } from '../core/response.ts';

const FINISHED: IteratorReturnResult<undefined> = { done: true, value: undefined };
const FINISHED_PROMISE = Promise.resolve(FINISHED);

export class CommittedStream implements AsyncIterableIterator<StreamPart, undefined> {
  readonly #head: readonly StreamPart[];
  #headIndex = 0;
  readonly #rest: AsyncIterator<StreamPart>;
  readonly #estimateUsage: (outputText: string) => Usage;
  #sawUsage = false;
  #finished = false;
  /** Output text, kept only to estimate usage for upstreams that report none. */
  #output = '';

  constructor(
    head: readonly StreamPart[],
    rest: AsyncIterator<StreamPart>,
    estimateUsage: (outputText: string) => Usage,
  ) {
    this.#head = head;
    this.#rest = rest;
    this.#estimateUsage = estimateUsage;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart, undefined>> {
    if (this.#headIndex < this.#head.length) {
      const part = this.#head[this.#headIndex++]!;
      this.#observe(part);
      return Promise.resolve({ done: false, value: part });
    }
    if (this.#finished) return FINISHED_PROMISE;
    return this.#rest.next().then(this.#afterUpstreamPart);
  }

  return(): Promise<IteratorResult<StreamPart, undefined>> {
    if (this.#finished) return FINISHED_PROMISE;
    this.#finished = true;
    return Promise.resolve(this.#rest.return?.()).then(() => FINISHED);
  }

  readonly #afterUpstreamPart = (
    result: IteratorResult<StreamPart>,
  ): IteratorResult<StreamPart, undefined> => {
    if (result.done === true) {
      this.#finished = true;
      if (this.#sawUsage) return FINISHED;
      this.#sawUsage = true;
      return { done: false, value: { type: 'usage', usage: this.#estimateUsage(this.#output) } };
    }
    const part = result.value;
    this.#observe(part);
    if (part.type === 'error') {
      // Nothing follows an error; release the upstream now rather than waiting for the consumer.
      this.#finished = true;
      void this.#rest.return?.();
    }
    return result;
  };

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
      default:
        break;
    }
  }
}
