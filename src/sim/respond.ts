/**
 * Putting an answer on the wire: errors, whole JSON bodies and paced SSE streams, with the stream-shaped
 * faults (cut, stall, malformed chunk, missing end marker) applied. With zero latency nothing here sets a
 * timer: the whole response goes out in one write.
 */

import type { ServerResponse } from 'node:http';
import type { Fault } from './faults.ts';
import { nonStreamDelayMs, startPacer } from './latency.ts';
import type { SimCompletion, SimError, SimResponseMeta, SimStreamEvent, SimWireFormat } from './types.ts';

export interface Delivery {
  readonly wire: SimWireFormat;
  readonly meta: SimResponseMeta;
  readonly completion: SimCompletion;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** Delay before the first token (and, for streams, the response headers). */
  readonly firstTokenDelayMs: number;
  /** Infinity sends every token at once (zero-latency mode). */
  readonly tokensPerSecond: number;
  /** Only the faults that shape a successful answer reach here. */
  readonly fault: Fault | undefined;
}

type Ending = 'end' | 'destroy' | 'hold';

export function sendError(response: ServerResponse, wire: SimWireFormat, error: SimError): void {
  const encoded = wire.encodeError(error);
  response.writeHead(encoded.status, {
    ...encoded.headers,
    'content-length': Buffer.byteLength(encoded.body),
  });
  response.end(encoded.body);
}

export function sendJson(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Run `action` after `delayMs`, or now when there is no delay; a client that leaves cancels it. */
function after(response: ServerResponse, delayMs: number, action: () => void): void {
  if (delayMs <= 0) {
    action();
    return;
  }
  const timer = setTimeout(action, delayMs);
  response.once('close', () => clearTimeout(timer));
}

/** Write `text`, then finish the response the way the fault asks. */
function writeAndFinish(response: ServerResponse, text: string, ending: Ending): void {
  switch (ending) {
    case 'end':
      response.end(text);
      return;
    case 'destroy':
      // Let the bytes reach the socket first, so the client sees a body that stops mid-way.
      response.write(text, () => response.socket?.destroy());
      return;
    case 'hold':
      if (text.length > 0) response.write(text);
      return;
  }
}

export function deliver(response: ServerResponse, delivery: Delivery): void {
  if (delivery.stream) deliverStream(response, delivery);
  else deliverBody(response, delivery);
}

function deliverBody(response: ServerResponse, delivery: Delivery): void {
  const { completion, fault } = delivery;
  let body = delivery.wire.encodeResponse(delivery.meta, completion);
  let ending: Ending = 'end';
  let sendLength = body.length;
  if (fault?.name === 'malformed_chunk') body = body.slice(0, Math.max(1, body.length - 5));
  else if (fault?.name === 'stream_truncate') body = body.slice(0, Math.floor(body.length / 2));
  else if (fault?.name === 'stream_cut' || fault?.name === 'stream_stall') {
    ending = fault.name === 'stream_stall' ? 'hold' : 'destroy';
    sendLength = Math.floor(body.length / 2);
  }
  const delay = nonStreamDelayMs(
    delivery.firstTokenDelayMs,
    completion.completionTokens,
    delivery.tokensPerSecond,
  );
  after(response, delay, () => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    writeAndFinish(response, sendLength === body.length ? body : body.slice(0, sendLength), ending);
  });
}

/** Index of the first event a cut or stall withholds: the token after `afterTokens`, or the closing events. */
function stopIndexAfter(events: readonly SimStreamEvent[], afterTokens: number): number {
  let tokens = 0;
  for (const [index, event] of events.entries()) {
    if (event.kind === 'token') {
      if (tokens === afterTokens) return index;
      tokens += 1;
    } else if (event.kind !== 'head') return index;
  }
  return events.length;
}

function deliverStream(response: ServerResponse, delivery: Delivery): void {
  const { fault, wire } = delivery;
  let events = wire.encodeStream(delivery.meta, delivery.completion, delivery.includeUsage);
  let stopIndex = events.length;
  let ending: Ending = 'end';
  switch (fault?.name) {
    case 'malformed_chunk': {
      const target = events[fault.atChunk - 1];
      if (target !== undefined)
        events[fault.atChunk - 1] = { kind: target.kind, text: wire.corruptEvent(target.text) };
      break;
    }
    case 'missing_done':
      events = events.filter((event) => event.kind !== 'terminator');
      stopIndex = events.length;
      break;
    case 'stream_cut':
    case 'stream_stall':
    case 'stream_truncate':
      stopIndex = stopIndexAfter(events, fault.afterTokens);
      ending = fault.name === 'stream_cut' ? 'destroy' : fault.name === 'stream_stall' ? 'hold' : 'end';
      break;
    default:
      break;
  }

  after(response, delivery.firstTokenDelayMs, () => {
    response.writeHead(200, { 'content-type': wire.streamContentType, 'cache-control': 'no-cache' });
    if (!Number.isFinite(delivery.tokensPerSecond)) {
      let text = '';
      for (let index = 0; index < stopIndex; index++) text += events[index]?.text ?? '';
      // A healthy answer goes out with its headers in one write; a faulty one must show its headers first.
      if (ending !== 'end') response.flushHeaders();
      writeAndFinish(response, text, ending);
      return;
    }
    response.flushHeaders();
    let next = 0;
    let sentTokens = 0;
    const cancel = startPacer(delivery.tokensPerSecond, (allowedTokens) => {
      let text = '';
      while (next < stopIndex) {
        const event = events[next];
        if (event === undefined) break;
        if (event.kind === 'token') {
          if (sentTokens >= allowedTokens) break;
          sentTokens += 1;
        }
        text += event.text;
        next += 1;
      }
      if (next < stopIndex) {
        if (text.length > 0) response.write(text);
        return false;
      }
      writeAndFinish(response, text, ending);
      return true;
    });
    response.once('close', cancel);
  });
}
