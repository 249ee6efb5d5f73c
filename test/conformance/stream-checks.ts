/** Reading a canonical stream in tests, and checking the contract's shape rules on it. */

import { expect } from 'vitest';
import type { StreamBatch, StreamPart } from '../../src/core/response.ts';

/** Every part of a stream, in order; batches must be non-empty, as the contract says. */
export async function collectParts(stream: AsyncIterable<StreamBatch>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const batch of stream) {
    expect(batch.length, 'an empty batch').toBeGreaterThan(0);
    parts.push(...batch);
  }
  return parts;
}

/**
 * The contract's rules for every stream: `stream-start` first; exactly one `finish` or `error`, and it
 * is last; text blocks open before their deltas and close; a tool call starts before its deltas, ends
 * after them, and nothing is left open at a `finish`.
 */
export function expectWellFormed(parts: readonly StreamPart[]): void {
  expect(parts[0]?.type).toBe('stream-start');
  const terminals = parts.filter((part) => part.type === 'finish' || part.type === 'error');
  expect(terminals).toHaveLength(1);
  expect(parts.at(-1)).toBe(terminals[0]);
  expect(parts.filter((part) => part.type === 'stream-start')).toHaveLength(1);

  let textOpen = false;
  const openToolCalls = new Set<number>();
  for (const part of parts) {
    switch (part.type) {
      case 'text-start':
        expect(textOpen, 'text-start while a text block is open').toBe(false);
        textOpen = true;
        break;
      case 'text-delta':
        expect(textOpen, 'text-delta outside a text block').toBe(true);
        break;
      case 'text-end':
        expect(textOpen, 'text-end without text-start').toBe(true);
        textOpen = false;
        break;
      case 'tool-call-start':
        expect(openToolCalls.has(part.index), `tool call ${part.index} started twice`).toBe(false);
        openToolCalls.add(part.index);
        break;
      case 'tool-call-delta':
        expect(openToolCalls.has(part.index), `tool-call-delta for unstarted call ${part.index}`).toBe(true);
        break;
      case 'tool-call-end':
        expect(openToolCalls.delete(part.index), `tool-call-end for unstarted call ${part.index}`).toBe(true);
        break;
      case 'finish':
        expect(textOpen, 'text block still open at finish').toBe(false);
        expect([...openToolCalls], 'tool calls still open at finish').toEqual([]);
        break;
      case 'stream-start':
      case 'usage':
      case 'logprobs':
      case 'error':
        break;
    }
  }
}

export function textOf(parts: readonly StreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

export function lastPart(parts: readonly StreamPart[]): StreamPart {
  const last = parts.at(-1);
  expect(last).toBeDefined();
  return last!;
}

/** Each streamed tool call reassembled: its start and the concatenation of its argument deltas. */
export function toolCallsOf(
  parts: readonly StreamPart[],
): { id: string; name: string; arguments: string; deltas: number }[] {
  const calls = new Map<number, { id: string; name: string; arguments: string; deltas: number }>();
  for (const part of parts) {
    if (part.type === 'tool-call-start')
      calls.set(part.index, { id: part.id, name: part.name, arguments: '', deltas: 0 });
    if (part.type === 'tool-call-delta') {
      const call = calls.get(part.index)!;
      call.arguments += part.argumentsDelta;
      call.deltas += 1;
    }
  }
  return [...calls.entries()].sort(([left], [right]) => left - right).map(([, call]) => call);
}
