import { describe, expect, it } from 'vitest';
import {
  parseEventStream,
  parseEventStreamBatches,
  parseNdjson,
  type ServerSentEvent,
} from './event-stream.ts';

const encoder = new TextEncoder();

async function* chunked(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

async function drain<T, R>(generator: AsyncGenerator<T, R, undefined>): Promise<{ items: T[]; end: R }> {
  const items: T[] = [];
  for (;;) {
    const step = await generator.next();
    if (step.done === true) return { items, end: step.value };
    items.push(step.value);
  }
}

function events(...chunks: (string | Uint8Array)[]) {
  return drain(parseEventStream(chunked(...chunks)));
}

// Every rule at once: BOM, LF / CRLF / CR line ends, comments, multi-line data, optional space after the
// colon, a field with no colon, unknown fields, ids that persist, an event with no data (not dispatched)
// and multi-byte characters of 2, 3 and 4 bytes.
const MIXED_FIXTURE =
  '\uFEFF: keep-alive comment\n' +
  'data: first\n\n' +
  'event: delta\r\ndata:no space\r\ndata:  two spaces\r\n\r\n' +
  'id: 7\rdata: é中🎉\r\r' +
  'retry: 1000\nunknown: field\ndata\n\n' +
  'event: lonely\n\n' +
  'data: {"text":"ünïcödé 👍🏽"}\n\n';

const MIXED_EXPECTED: ServerSentEvent[] = [
  { event: undefined, data: 'first', id: undefined },
  { event: 'delta', data: 'no space\n two spaces', id: undefined },
  { event: undefined, data: 'é中🎉', id: '7' },
  { event: undefined, data: '', id: '7' },
  { event: undefined, data: '{"text":"ünïcödé 👍🏽"}', id: '7' },
];

describe('parseEventStream', () => {
  it('follows the WHATWG field and line-end rules', async () => {
    const { items, end } = await events(MIXED_FIXTURE);
    expect(items).toEqual(MIXED_EXPECTED);
    expect(end.endedMidEvent).toBe(false);
  });

  it('yields identical events when the bytes are split at every position', async () => {
    const bytes = encoder.encode(MIXED_FIXTURE);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { items, end } = await events(bytes.subarray(0, cut), bytes.subarray(cut));
      expect(items, `split at byte ${cut}`).toEqual(MIXED_EXPECTED);
      expect(end.endedMidEvent).toBe(false);
    }
  });

  it('yields identical events when every byte arrives alone', async () => {
    const bytes = encoder.encode(MIXED_FIXTURE);
    const singles = Array.from(bytes, (_, index) => bytes.subarray(index, index + 1));
    const { items } = await events(...singles);
    expect(items).toEqual(MIXED_EXPECTED);
  });

  it('joins a four-byte character split across three chunks', async () => {
    const bytes = encoder.encode('data: 🎉\n\n');
    const { items } = await events(bytes.subarray(0, 7), bytes.subarray(7, 8), bytes.subarray(8));
    expect(items).toEqual([{ event: undefined, data: '🎉', id: undefined }]);
  });

  it('treats a CR at the end of one chunk and an LF at the start of the next as one line end', async () => {
    const { items } = await events('data: a\r', '\n\r', '\ndata: b\n\n');
    expect(items.map((event) => event.data)).toEqual(['a', 'b']);
  });

  it('reports a body that ends after a field but before the blank line, and drops that event', async () => {
    const { items, end } = await events('data: complete\n\ndata: partial\n');
    expect(items.map((event) => event.data)).toEqual(['complete']);
    expect(end.endedMidEvent).toBe(true);
  });

  it('reports a body that ends in the middle of a line', async () => {
    const { items, end } = await events('data: complete\n\ndata: {"cut');
    expect(items).toHaveLength(1);
    expect(end.endedMidEvent).toBe(true);
  });

  it('does not count a trailing comment as an unfinished event', async () => {
    const { end } = await events('data: x\n\n: ping\n');
    expect(end.endedMidEvent).toBe(false);
  });

  it('passes a failure of the byte stream on to the consumer', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('data: one\n\n');
      throw new Error('socket reset');
    }
    const generator = parseEventStream(failing());
    expect((await generator.next()).value).toMatchObject({ data: 'one' });
    await expect(generator.next()).rejects.toThrow('socket reset');
  });

  it('closes the byte stream when the consumer stops early', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<Uint8Array> {
      try {
        for (;;) yield encoder.encode('data: tick\n\n');
      } finally {
        closed = true;
      }
    }
    for await (const event of parseEventStream(endless())) {
      expect(event.data).toBe('tick');
      break;
    }
    expect(closed).toBe(true);
  });
});

describe('parseNdjson', () => {
  it('yields non-blank lines split at LF or CRLF, across chunk boundaries', async () => {
    const text = '{"a":1}\n\n{"b":"ü🎉"}\r\n   \n{"c":3}\n';
    const bytes = encoder.encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { items, end } = await drain(parseNdjson(chunked(bytes.subarray(0, cut), bytes.subarray(cut))));
      expect(items, `split at byte ${cut}`).toEqual(['{"a":1}', '{"b":"ü🎉"}', '{"c":3}']);
      expect(end).toEqual({ endedMidLine: false, unterminatedLine: '' });
    }
  });

  it('returns an unterminated last line instead of yielding it', async () => {
    const { items, end } = await drain(parseNdjson(chunked('{"a":1}\n{"done":tr')));
    expect(items).toEqual(['{"a":1}']);
    expect(end).toEqual({ endedMidLine: true, unterminatedLine: '{"done":tr' });
  });
});

describe('parseEventStreamBatches', () => {
  it('groups the events completed by each network read', async () => {
    async function* reads(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('data: a\n\ndata: b\n\ndata: c');
      yield new TextEncoder().encode('\n\n');
    }
    const batches: string[][] = [];
    const generator = parseEventStreamBatches(reads());
    for (;;) {
      const step = await generator.next();
      if (step.done === true) {
        expect(step.value).toEqual({ endedMidEvent: false });
        break;
      }
      batches.push(step.value.map((event) => event.data));
    }
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });
});
