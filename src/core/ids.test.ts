import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId, newTimeOrderedId } from './ids.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('newId', () => {
  it('is the prefix and 24 random hex characters, different every time', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newId('call')));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^call_[0-9a-f]{24}$/);
  });
});

describe('newTimeOrderedId', () => {
  it('starts with the creation time in milliseconds, so later ids sort after earlier ones', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_795_000_000_000);
    const earlier = Array.from({ length: 50 }, () => newTimeOrderedId('req'));
    vi.setSystemTime(1_795_000_000_001);
    const later = Array.from({ length: 50 }, () => newTimeOrderedId('req'));
    for (const id of [...earlier, ...later]) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(earlier[0]?.slice(4, 16)).toBe((1_795_000_000_000).toString(16).padStart(12, '0'));
    const sorted = [...later, ...earlier].sort();
    expect(sorted.slice(0, 50).sort()).toEqual([...earlier].sort());
  });

  it('keeps ids made in the same millisecond apart by their random half', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_795_000_000_000);
    const ids = new Set(Array.from({ length: 5_000 }, () => newTimeOrderedId('req')));
    expect(ids.size).toBe(5_000);
  });
});
