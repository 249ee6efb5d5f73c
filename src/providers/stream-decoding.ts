/**
 * What every wire format's stream decoding shares: the driver that pulls batches of server-sent events
 * and yields canonical parts, and the base of the per-format decoders it drives.
 *
 * Every stream ends with exactly one `finish` or one `error` part, preceded by exactly one
 * `stream-start`. Each format decides when its answer is whole (an end event, or a finish reason before
 * the body ends); the driver only reports the outcome and always releases the upstream.
 */

import { GatewayError } from '../core/errors.ts';
import type { StreamBatch, StreamPart } from '../core/response.ts';
import { withOrigin, type ErrorOrigin } from './error-origin.ts';
import type { EventStreamEnd, ServerSentEvent } from './transport/event-stream.ts';

/** What each format's decode context has at least. */
export interface StreamDecodeContext extends ErrorOrigin {
  /** Reported as the model when the upstream does not say which model answered. */
  readonly upstreamModel: string;
}

/** What the driver asks of a format's decoder; each call pushes its parts onto `parts`. */
export interface StreamDecoder {
  /** Applies one event; true when it ended the stream (its `finish` or `error` part is pushed). */
  applyEvent(event: ServerSentEvent, parts: StreamPart[]): boolean;
  /** The body ended while the stream was still open: finish it if the answer is whole, else fail it. */
  endOfBody(parts: StreamPart[]): void;
  /** Ends the stream with `error`. */
  fail(error: GatewayError, parts: StreamPart[]): void;
}

/**
 * The state and endings every decoder has in common. Subclasses are pure state, no I/O: they push the
 * `stream-start` built from the first upstream message (setting `started`), and the rest of the parts.
 */
export abstract class BaseStreamDecoder<Context extends StreamDecodeContext> implements StreamDecoder {
  protected readonly context: Context;
  /** Whether `stream-start` was pushed. */
  protected started = false;

  constructor(context: Context) {
    this.context = context;
  }

  abstract applyEvent(event: ServerSentEvent, parts: StreamPart[]): boolean;

  /** The upstream's answer is whole: close what is open, report usage, finish. */
  protected abstract complete(parts: StreamPart[]): void;

  /** The format's rule for a body that ends with the stream still open. */
  protected abstract bodyEndIsComplete(): boolean;

  endOfBody(parts: StreamPart[]): void {
    if (this.bodyEndIsComplete()) this.complete(parts);
    else this.fail(this.#truncated(), parts);
  }

  fail(error: GatewayError, parts: StreamPart[]): void {
    this.ensureStarted(parts);
    parts.push({ type: 'error', error });
  }

  protected ensureStarted(parts: StreamPart[]): void {
    if (this.started) return;
    this.started = true;
    // Nothing valid arrived before the end or the error; describe the stream from what we know.
    parts.push({
      type: 'stream-start',
      id: '',
      upstreamModel: this.context.upstreamModel,
      created: Math.floor(Date.now() / 1000),
    });
  }

  /** An event that is not valid JSON or not in the format's shape. */
  protected badEvent(message: string, cause?: unknown): GatewayError {
    return new GatewayError('upstream_bad_response', message, {
      provider: this.context.provider,
      model: this.context.model,
      cause,
    });
  }

  #truncated(): GatewayError {
    return new GatewayError('stream_truncated', 'The upstream stream ended before the model finished', {
      provider: this.context.provider,
      model: this.context.model,
    });
  }
}

/**
 * Decodes batches of events (one batch per network read, see `parseEventStreamBatches`) into batches of
 * parts: one await and one yield per read, however many events it carried. A read that produced no part
 * (a ping, a usage-only chunk kept for the end) yields nothing.
 */
export async function* decodeEventStream(
  batches: AsyncIterator<readonly ServerSentEvent[], EventStreamEnd, undefined>,
  decoder: StreamDecoder,
  origin: ErrorOrigin,
): AsyncGenerator<StreamBatch, void, undefined> {
  try {
    for (;;) {
      const parts: StreamPart[] = [];
      let step: IteratorResult<readonly ServerSentEvent[], EventStreamEnd>;
      try {
        step = await batches.next();
      } catch (error) {
        decoder.fail(withOrigin(error, origin), parts);
        yield parts;
        return;
      }
      if (step.done === true) {
        decoder.endOfBody(parts);
        yield parts;
        return;
      }
      let ended = false;
      for (const event of step.value) {
        ended = decoder.applyEvent(event, parts);
        if (ended) break;
      }
      if (parts.length > 0) yield parts;
      if (ended) return;
    }
  } finally {
    // Stopping early (error part, or the consumer left) must release the upstream connection.
    await batches.return?.();
  }
}
