/**
 * The one parser for streamed upstream bodies: server-sent events (WHATWG HTML §9.2 "event stream
 * interpretation") and newline-delimited JSON. Adapters never split streams themselves.
 *
 * Bytes are decoded with one streaming `TextDecoder` per body, so a multi-byte character split across
 * chunks is joined before any line is cut (line ends are ASCII and never occur inside a UTF-8 sequence).
 * Lines are found with `indexOf`, not a regex split, and no per-chunk arrays are created.
 */

export interface ServerSentEvent {
  /** The `event:` field; absent means the default type (`message`). */
  readonly event?: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  /** The last event id seen on this stream (per the spec it persists across events once set). */
  readonly id?: string;
}

export interface EventStreamEnd {
  /**
   * The body ended after some of an event but before the blank line that dispatches it. Per the spec
   * that partial event is dropped; adapters use this flag to recognise a truncated body.
   */
  readonly endedMidEvent: boolean;
}

export interface NdjsonEnd {
  /** The body's last line had no line end: it may be complete JSON or a cut-off one. */
  readonly endedMidLine: boolean;
  /** That last unterminated line (empty when `endedMidLine` is false); never yielded as a line. */
  readonly unterminatedLine: string;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const STREAMING = { stream: true };

/** Cuts text into lines at `\n`, `\r\n` or `\r`, carrying an unterminated tail into the next push. */
export class LineSplitter {
  #partial = '';
  /** The previous push ended with `\r`; an `\n` opening the next push completes that `\r\n`. */
  #afterCr = false;

  get partialLine(): string {
    return this.#partial;
  }

  push(text: string, lines: string[]): void {
    const length = text.length;
    if (length === 0) return;
    let start = 0;
    if (this.#afterCr) {
      this.#afterCr = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    let nextLf = text.indexOf('\n', start);
    let nextCr = text.indexOf('\r', start);
    while (nextLf !== -1 || nextCr !== -1) {
      let end: number;
      let next: number;
      if (nextCr === -1 || (nextLf !== -1 && nextLf < nextCr)) {
        end = nextLf;
        next = end + 1;
      } else {
        end = nextCr;
        next = end + 1;
        if (next === length) this.#afterCr = true;
        else if (text.charCodeAt(next) === LF) next += 1;
      }
      if (this.#partial.length === 0) {
        lines.push(text.slice(start, end));
      } else {
        lines.push(this.#partial + text.slice(start, end));
        this.#partial = '';
      }
      start = next;
      if (nextLf !== -1 && nextLf < start) nextLf = text.indexOf('\n', start);
      if (nextCr !== -1 && nextCr < start) nextCr = text.indexOf('\r', start);
    }
    if (start < length) this.#partial += start === 0 ? text : text.slice(start);
  }
}

/** The SSE field rules applied to lines; events are appended to a caller-owned array. */
export class EventStreamDecoder {
  readonly #splitter = new LineSplitter();
  readonly #lines: string[] = [];
  #data = '';
  #hasData = false;
  #eventType: string | undefined = undefined;
  #lastEventId: string | undefined = undefined;
  /** A field line was seen since the last dispatch. */
  #inEvent = false;

  push(text: string, events: ServerSentEvent[]): void {
    const lines = this.#lines;
    this.#splitter.push(text, lines);
    for (let index = 0; index < lines.length; index++) this.#processLine(lines[index]!, events);
    lines.length = 0;
  }

  /** True when the input stopped inside an event (which is therefore not dispatched). */
  endedMidEvent(): boolean {
    return this.#inEvent || this.#splitter.partialLine.length > 0;
  }

  #processLine(line: string, events: ServerSentEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === COLON) return; // a comment (often a keep-alive ping)
    let fieldEnd = line.indexOf(':');
    let value = '';
    if (fieldEnd === -1) {
      fieldEnd = line.length;
    } else {
      const valueStart = line.charCodeAt(fieldEnd + 1) === SPACE ? fieldEnd + 2 : fieldEnd + 1;
      value = line.slice(valueStart);
    }
    this.#inEvent = true;
    if (isField(line, fieldEnd, 'data')) {
      this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
      this.#hasData = true;
    } else if (isField(line, fieldEnd, 'event')) {
      this.#eventType = value.length === 0 ? undefined : value;
    } else if (isField(line, fieldEnd, 'id')) {
      if (!value.includes('\0')) this.#lastEventId = value;
    }
    // `retry` only matters to a reconnecting client; unknown fields are ignored, as the spec says.
  }

  #dispatch(events: ServerSentEvent[]): void {
    this.#inEvent = false;
    if (this.#hasData) events.push({ event: this.#eventType, data: this.#data, id: this.#lastEventId });
    this.#data = '';
    this.#hasData = false;
    this.#eventType = undefined;
  }
}

function isField(line: string, fieldEnd: number, name: string): boolean {
  return fieldEnd === name.length && line.startsWith(name);
}

/**
 * Server-sent events grouped by the network read that completed them: one await per read rather than one
 * per event, which is what hot-path consumers want. The return value says whether the body ended
 * mid-event.
 */
export async function* parseEventStreamBatches(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<readonly ServerSentEvent[], EventStreamEnd, undefined> {
  const utf8 = new TextDecoder();
  const decoder = new EventStreamDecoder();
  for await (const chunk of body) {
    const events: ServerSentEvent[] = [];
    decoder.push(utf8.decode(chunk, STREAMING), events);
    if (events.length > 0) yield events;
  }
  // Bytes of a character cut off by the end of the body become U+FFFD in the (undispatched) tail.
  const events: ServerSentEvent[] = [];
  decoder.push(utf8.decode(), events);
  if (events.length > 0) yield events;
  return { endedMidEvent: decoder.endedMidEvent() };
}

/** Server-sent events from a byte stream, one at a time; the return value says whether the body ended mid-event. */
export async function* parseEventStream(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent, EventStreamEnd, undefined> {
  const utf8 = new TextDecoder();
  const decoder = new EventStreamDecoder();
  const events: ServerSentEvent[] = [];
  for await (const chunk of body) {
    decoder.push(utf8.decode(chunk, STREAMING), events);
    for (let index = 0; index < events.length; index++) yield events[index]!;
    events.length = 0;
  }
  // Bytes of a character cut off by the end of the body become U+FFFD in the (undispatched) tail.
  decoder.push(utf8.decode(), events);
  for (const event of events) yield event;
  return { endedMidEvent: decoder.endedMidEvent() };
}

/** Non-blank lines of newline-delimited JSON, as text (adapters parse, so a bad line is theirs to report). */
export async function* parseNdjson(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<string, NdjsonEnd, undefined> {
  const utf8 = new TextDecoder();
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for await (const chunk of body) {
    splitter.push(utf8.decode(chunk, STREAMING), lines);
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!;
      if (!isBlank(line)) yield line;
    }
    lines.length = 0;
  }
  splitter.push(utf8.decode(), lines);
  for (const line of lines) if (!isBlank(line)) yield line;
  const tail = splitter.partialLine;
  return isBlank(tail)
    ? { endedMidLine: false, unterminatedLine: '' }
    : { endedMidLine: true, unterminatedLine: tail };
}

function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code !== SPACE && code !== 0x09 && code !== CR) return false;
  }
  return true;
}
