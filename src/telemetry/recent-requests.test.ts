import { describe, expect, it } from 'vitest';
import { createRecentRequests } from './recent-requests.ts';
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
});
