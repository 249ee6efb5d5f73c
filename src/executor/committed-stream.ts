/**
 * The stream handed to the server once an attempt has committed: the parts read before commit as one
 * batch, then the rest of the upstream's batches, plus an estimated `usage` part if the upstream never
 * reported one. When the stream ends — finished, failed in-band, or left by the consumer — `onEnd` is
 * told once, with the usage spent, so the attempt's deployment is released and its outcome recorded.
 *
 * A plain iterator rather than an async generator: every batch of every stream passes through here, and
 * a generator costs several promise hops per step where this costs one.
 */

import { toGatewayError, type GatewayError } from '../core/errors.ts';
import type { StreamBatch, StreamPart, Usage } from '../core/response.ts';

const FINISHED: IteratorReturnResult<undefined> = { done: true, value: undefined };
const FINISHED_PROMISE = Promise.resolve(FINISHED);

export type StreamEnd =
  | { readonly kind: 'ok'; readonly usage: Usage }
  | { readonly kind: 'failed'; readonly error: GatewayError; readonly usage: Usage }
  /** The consumer stopped reading (the client went away). */
  | { readonly kind: 'left'; readonly usage: Usage };

export interface CommittedStreamHooks {
  /** Usage from the output seen, for upstreams that report none (and for failed streams). */
  readonly estimateUsage: (outputText: string) => Usage;
  readonly onEnd: (end: StreamEnd) => void;
}

export class CommittedStream implements AsyncIterableIterator<StreamBatch, undefined> {
  #head: StreamBatch | undefined;
  readonly #rest: AsyncIterator<StreamBatch>;
  readonly #hooks: CommittedStreamHooks;
  #usage: Usage | undefined;
  #finished = false;
  #ended = false;
  /** Output text, kept to estimate usage for upstreams that report none. */
  #output = '';

  constructor(head: StreamBatch, rest: AsyncIterator<StreamBatch>, hooks: CommittedStreamHooks) {
    this.#head = head;
    this.#rest = rest;
    this.#hooks = hooks;
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
    return this.#rest.next().then(this.#afterUpstreamBatch, this.#afterUpstreamThrow);
  }

  return(): Promise<IteratorResult<StreamBatch, undefined>> {
    this.#end('left', undefined);
    if (this.#finished) return FINISHED_PROMISE;
    this.#finished = true;
    return Promise.resolve(this.#rest.return?.()).then(() => FINISHED);
  }

  readonly #afterUpstreamBatch = (
    result: IteratorResult<StreamBatch>,
  ): IteratorResult<StreamBatch, undefined> => {
    if (result.done === true) {
      this.#finished = true;
      const reported = this.#usage !== undefined;
      this.#end('ok', undefined);
      if (reported || this.#usage === undefined) return FINISHED;
      return { done: false, value: [{ type: 'usage', usage: this.#usage }] };
    }
    return this.#observed(result.value);
  };

  readonly #afterUpstreamThrow = (thrown: unknown): never => {
    this.#finished = true;
    this.#end('failed', toGatewayError(thrown));
    throw thrown;
  };

  #observed(batch: StreamBatch): IteratorResult<StreamBatch, undefined> {
    for (const part of batch) this.#observe(part);
    return { done: false, value: batch };
  }

  #observe(part: StreamPart): void {
    switch (part.type) {
      case 'usage':
        this.#usage = part.usage;
        break;
      case 'text-delta':
        this.#output += part.text;
        break;
      case 'tool-call-delta':
        this.#output += part.argumentsDelta;
        break;
      case 'error':
        // Nothing follows an error; release the upstream now rather than waiting for the consumer.
        this.#end('failed', part.error);
        if (!this.#finished) {
          this.#finished = true;
          void this.#rest.return?.();
        }
        break;
      default:
        break;
    }
  }

  /** Reports the end once: `error` for a failure, else finished (`ok`) or left by the consumer. */
  #end(kind: 'ok' | 'left' | 'failed', error: GatewayError | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#usage ??= this.#hooks.estimateUsage(this.#output);
    const usage = this.#usage;
    if (kind === 'failed' && error !== undefined) this.#hooks.onEnd({ kind, error, usage });
    else this.#hooks.onEnd({ kind: kind === 'ok' ? 'ok' : 'left', usage });
  }
}
