/**
 * One upstream call as an undici dispatch handler. It turns undici's callbacks into a promise for the
 * response head and a pull-based body: chunks are queued as they arrive (no copies, no Node stream), the
 * socket is paused when the consumer falls behind, and every failure becomes a `GatewayError`.
 */

import type { Dispatcher } from 'undici';
import { GatewayError, isGatewayError } from '../../core/errors.ts';
import { mapTransportError } from './map-transport-error.ts';
import type { InboundResponse } from './transport-types.ts';

/** Pause the socket once this many unread bytes are queued, so a slow consumer cannot exhaust memory. */
const PAUSE_AT_BYTES = 256 * 1024;
/** ...and resume once the consumer has drained the queue below this. */
const RESUME_AT_BYTES = 64 * 1024;
/**
 * A consumer that stops reading early has usually seen the format's end marker (`[DONE]`) while the
 * body's last bytes are still in flight. Discarding up to this much more, for up to this long, lets the
 * body end cleanly so the connection is reused instead of torn down; past either limit it is aborted.
 */
const DISCARD_MAX_BYTES = 64 * 1024;
const DISCARD_MAX_MS = 250;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

type Consumer = 'none' | 'iterator' | 'collector';

export class UpstreamExchange
  implements Dispatcher.DispatchHandler, InboundResponse, AsyncIterator<Uint8Array>
{
  status = 0;
  headers: Readonly<Record<string, string>> = {};
  /** Settles once: with this exchange when a final status arrives, or with the first failure. */
  readonly responseHead: Promise<InboundResponse>;

  readonly #signal: AbortSignal;
  #controller: Dispatcher.DispatchController | null = null;
  #resolveHead!: (response: InboundResponse) => void;
  #rejectHead!: (error: GatewayError) => void;
  #headReceived = false;
  #ended = false;
  #failure: GatewayError | null = null;
  #consumer: Consumer = 'none';
  /** Unread chunks from `#head` on; the array is reset whenever the consumer catches up. */
  #chunks: Buffer[] = [];
  #head = 0;
  #queuedBytes = 0;
  #paused = false;
  #wakeReader: ((result: IteratorResult<Uint8Array>) => void) | null = null;
  #failReader: ((error: GatewayError) => void) | null = null;
  #finishCollector: ((text: string) => void) | null = null;
  #failCollector: ((error: GatewayError) => void) | null = null;
  /** Set while the rest of an abandoned body is being discarded. */
  #discard: { budget: number; readonly timer: NodeJS.Timeout } | null = null;

  constructor(signal: AbortSignal) {
    this.#signal = signal;
    this.responseHead = new Promise<InboundResponse>((resolve, reject) => {
      this.#resolveHead = resolve;
      this.#rejectHead = reject;
    });
    if (signal.aborted) {
      this.#fail(abortReason(signal));
    } else {
      // The exchange is its own listener (`handleEvent`), so no closure is allocated per request.
      signal.addEventListener('abort', this);
    }
  }

  get body(): AsyncIterable<Uint8Array> {
    return this;
  }

  // ---- abort -------------------------------------------------------------------------------------

  handleEvent(): void {
    this.#abort(abortReason(this.#signal));
  }

  #abort(reason: GatewayError): void {
    if (this.#ended || this.#failure !== null) return;
    this.#fail(reason);
    // Before `onRequestStart` the call is still queued in the pool; it is aborted when it starts.
    this.#controller?.abort(reason);
  }

  // ---- undici handler ----------------------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#failure !== null) controller.abort(this.#failure);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200 || this.#failure !== null) return; // 1xx are interim; the final head follows.
    this.status = statusCode;
    this.headers = flattenHeaders(headers);
    this.#headReceived = true;
    this.#resolveHead(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#failure !== null) return;
    if (this.#discard !== null) {
      this.#discard.budget -= chunk.length;
      if (this.#discard.budget < 0) this.#abort(abandoned('more than the discard limit was left'));
      return;
    }
    const wake = this.#wakeReader;
    if (wake !== null) {
      // A reader is already waiting: hand the chunk over without queueing it.
      this.#clearReader();
      wake({ done: false, value: chunk });
      return;
    }
    this.#chunks.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#consumer !== 'collector' && this.#queuedBytes >= PAUSE_AT_BYTES && !this.#paused) {
      this.#paused = true;
      controller.pause();
    }
  }

  onResponseEnd(): void {
    if (this.#failure !== null) return;
    this.#ended = true;
    this.#signal.removeEventListener('abort', this);
    this.#stopDiscarding();
    const wake = this.#wakeReader;
    if (wake !== null) {
      this.#clearReader();
      wake(DONE);
    }
    const finish = this.#finishCollector;
    if (finish !== null) {
      this.#clearCollector();
      finish(this.#drainAsText());
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(mapTransportError(error, this.#headReceived ? 'body' : 'headers'));
  }

  // ---- body as an async iterator -----------------------------------------------------------------

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#claim('iterator');
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#head < this.#chunks.length) return Promise.resolve({ done: false, value: this.#take() });
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#wakeReader = resolve;
      this.#failReader = reject;
    });
  }

  /**
   * The consumer stopped early (`break`, an error in its loop, or the format's end marker was seen):
   * discard the rest of the body within small limits so the connection can be reused, else abort.
   */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.#chunks = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    if (!this.#ended && this.#failure === null && this.#discard === null) {
      const timer = setTimeout(
        () => this.#abort(abandoned(`it did not end within ${DISCARD_MAX_MS} ms`)),
        DISCARD_MAX_MS,
      );
      timer.unref();
      this.#discard = { budget: DISCARD_MAX_BYTES, timer };
      if (this.#paused) {
        this.#paused = false;
        this.#controller?.resume();
      }
    }
    return Promise.resolve(DONE);
  }

  #take(): Buffer {
    const chunk = this.#chunks[this.#head++]!;
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    }
    this.#queuedBytes -= chunk.length;
    if (this.#paused && this.#queuedBytes <= RESUME_AT_BYTES) {
      this.#paused = false;
      this.#controller?.resume();
    }
    return chunk;
  }

  // ---- body as a whole ---------------------------------------------------------------------------

  text(): Promise<string> {
    this.#claim('collector');
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve(this.#drainAsText());
    if (this.#paused) {
      this.#paused = false;
      this.#controller?.resume();
    }
    return new Promise((resolve, reject) => {
      this.#finishCollector = resolve;
      this.#failCollector = reject;
    });
  }

  async json(): Promise<unknown> {
    const text = await this.text();
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new GatewayError(
        'upstream_bad_response',
        `The upstream sent invalid JSON (HTTP ${this.status})`,
        {
          upstreamStatus: this.status,
          cause: error,
        },
      );
    }
  }

  #drainAsText(): string {
    const chunks = this.#head === 0 ? this.#chunks : this.#chunks.slice(this.#head);
    this.#chunks = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    if (chunks.length === 0) return '';
    if (chunks.length === 1) return chunks[0]!.toString('utf8');
    return Buffer.concat(chunks).toString('utf8');
  }

  // ---- shared ------------------------------------------------------------------------------------

  #claim(consumer: Consumer): void {
    if (this.#consumer !== 'none') {
      throw new GatewayError('internal_error', 'An upstream response body can be consumed only once');
    }
    this.#consumer = consumer;
  }

  /** The first failure wins; later ones (undici reporting our own abort back) are ignored. */
  #fail(error: GatewayError): void {
    if (this.#ended || this.#failure !== null) return;
    this.#failure = error;
    this.#signal.removeEventListener('abort', this);
    this.#stopDiscarding();
    if (!this.#headReceived) this.#rejectHead(error);
    const failReader = this.#failReader;
    if (failReader !== null && this.#head === this.#chunks.length) {
      this.#clearReader();
      failReader(error);
    }
    const failCollector = this.#failCollector;
    if (failCollector !== null) {
      this.#clearCollector();
      failCollector(error);
    }
  }

  #stopDiscarding(): void {
    if (this.#discard === null) return;
    clearTimeout(this.#discard.timer);
    this.#discard = null;
  }

  #clearReader(): void {
    this.#wakeReader = null;
    this.#failReader = null;
  }

  #clearCollector(): void {
    this.#finishCollector = null;
    this.#failCollector = null;
  }
}

function abandoned(why: string): GatewayError {
  return new GatewayError(
    'client_closed_request',
    `The rest of an abandoned response body was cut off: ${why}`,
  );
}

function abortReason(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason;
  if (isGatewayError(reason)) return reason;
  return new GatewayError('client_closed_request', 'The request was aborted by the caller', {
    cause: reason,
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value !== undefined) flat[name] = typeof value === 'string' ? value : value.join(', ');
  }
  return flat;
}
