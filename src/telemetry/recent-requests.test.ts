import { describe, expect, it } from 'vitest';
import { createRecentRequests } from './recent-requests.ts';
import type { RequestLogRow } from './request-log/row.ts';
import { testRow } from './request-log/row.fixture.ts';

describe('recent requests', () => {
  it('shows a request in flight, then its finished row marked complete', () => {
    const recent = createRecentRequests(10);
    const live = recent.open('req_a', 1);
    expect(recent.get('req_a')).toMatchObject({ id: 'req_a', state: 'in-flight', decision: null });
    expect(recent.get('req_a')).toBe(live);
    recent.complete(live, testRow('req_a'));
    expect(recent.get('req_a')).toEqual({ ...testRow('req_a'), state: 'complete' });
  });

  it('keeps the most recent `capacity` requests, dropping the oldest first', () => {
    const recent = createRecentRequests(3);
    const [a] = ['a', 'b', 'c'].map((id) => recent.open(id, 1));
    recent.complete(a!, testRow('a')); // finishing does not make a request newer
    recent.open('d', 1);
    expect(recent.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((id) => recent.get(id)?.id)).toEqual(['b', 'c', 'd']);
    for (const id of ['e', 'f', 'g']) recent.open(id, 1);
    expect(['b', 'c', 'd'].map((id) => recent.get(id))).toEqual([undefined, undefined, undefined]);
    expect(['e', 'f', 'g'].map((id) => recent.get(id)?.id)).toEqual(['e', 'f', 'g']);
  });

  it('keeps a row that finishes after it was dropped, as the newest', () => {
    const recent = createRecentRequests(2);
    const a = recent.open('a', 1);
    recent.open('b', 1);
    recent.open('c', 1);
    recent.complete(a, testRow('a'));
    expect(recent.get('a')?.state).toBe('complete');
    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('c')?.state).toBe('in-flight');
  });

  it('keeps nothing with capacity 0', () => {
    const recent = createRecentRequests(0);
    recent.complete(recent.open('a', 1), testRow('a'));
    expect(recent.get('a')).toBeUndefined();
  });

  describe('with a request log', () => {
    it("keeps no finished row: the log's queue answers for it until the store has it", () => {
      const queue = new Map<string, RequestLogRow>();
      const recent = createRecentRequests(10, (id) => queue.get(id));
      const live = recent.open('req_a', 1);
      expect(recent.get('req_a')).toBe(live);
      recent.complete(live, testRow('req_a'));
      // Not queued (the writer dropped it, or the store already has it): not here either.
      expect(recent.get('req_a')).toBeUndefined();
      queue.set('req_a', testRow('req_a'));
      expect(recent.get('req_a')).toEqual({ ...testRow('req_a'), state: 'complete' });
    });

    it('still finds requests in flight behind finished ones, and drops the oldest first', () => {
      const recent = createRecentRequests(3, () => undefined);
      const a = recent.open('a', 1);
      const b = recent.open('b', 1);
      recent.open('c', 1);
      recent.complete(b, testRow('b'));
      expect(recent.get('b')).toBeUndefined();
      expect(recent.get('\u0000handed-to-request-log')).toBeUndefined();
      expect(recent.get('a')).toMatchObject({ id: 'a', state: 'in-flight' });
      expect(recent.get('c')).toMatchObject({ id: 'c', state: 'in-flight' });
      recent.open('d', 1);
      expect(recent.get('a')).toBeUndefined();
      recent.complete(a, testRow('a')); // outlived the ring: nothing is pushed back
      expect(recent.get('a')).toBeUndefined();
      expect(['b', 'c', 'd'].map((id) => recent.get(id)?.id)).toEqual([undefined, 'c', 'd']);
    });
  });
});
