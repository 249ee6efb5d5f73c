import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/request.ts';
import { type CachedSummary, prefixHashes, SummaryCache } from './summary-cache.ts';
import { assistant, toolCalls, toolResult, user, userWithImage } from './testing.ts';

const HISTORY: readonly Message[] = [
  user('Where is order 4471?'),
  assistant('It left Rotterdam on Friday.'),
  toolCalls({ id: 'c1', name: 'track', arguments: '{"order":4471}' }),
  toolResult('c1', 'At the regional hub.'),
  userWithImage('Here is the label.'),
];

function entry(messages: readonly Message[], summary: string | Promise<string>): CachedSummary {
  return {
    messages: messages.length,
    hash: prefixHashes(messages).at(-1)!,
    summary: typeof summary === 'string' ? Promise.resolve(summary) : summary,
  };
}

describe('prefixHashes', () => {
  it('gives one hash per prefix, shared by histories that open alike', () => {
    const short = prefixHashes(HISTORY.slice(0, 3));
    const long = prefixHashes(HISTORY);
    expect(long).toHaveLength(HISTORY.length);
    expect(long.slice(0, 3)).toEqual(short);
    expect(new Set(long).size).toBe(long.length);
  });

  it('ignores key order but changes from an edited message on', () => {
    const reordered: Message = { content: [{ text: 'Where is order 4471?', type: 'text' }], role: 'user' };
    expect(prefixHashes([reordered, ...HISTORY.slice(1)])).toEqual(prefixHashes(HISTORY));

    const edited = [...HISTORY.slice(0, 1), assistant('It left Hamburg on Friday.'), ...HISTORY.slice(2)];
    const [same, ...changed] = prefixHashes(edited);
    expect(same).toBe(prefixHashes(HISTORY)[0]);
    changed.forEach((hash, index) => expect(hash).not.toBe(prefixHashes(HISTORY)[index + 1]));
  });

  it('tells tool calls, results and images apart', () => {
    const otherCall = toolCalls({ id: 'c1', name: 'track', arguments: '{"order":4472}' });
    const otherImage: Message = {
      role: 'user',
      content: [
        { type: 'text', text: 'Here is the label.' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/other.png' } },
      ],
    };
    expect(prefixHashes([otherCall])).not.toEqual(prefixHashes([HISTORY[2]!]));
    expect(prefixHashes([toolResult('c2', 'At the regional hub.')])).not.toEqual(prefixHashes([HISTORY[3]!]));
    expect(prefixHashes([otherImage])).not.toEqual(prefixHashes([HISTORY[4]!]));
  });
});

describe('SummaryCache', () => {
  it('finds the summary covering the longest prefix of the history', async () => {
    const cache = new SummaryCache(10);
    cache.store('c', entry(HISTORY.slice(0, 2), 'two'));
    cache.store('c', entry(HISTORY.slice(0, 4), 'four'));
    cache.store('c', entry(HISTORY.slice(0, 1), 'one'));

    expect(await cache.find('c', prefixHashes(HISTORY))?.summary).toBe('four');
    expect(await cache.find('c', prefixHashes(HISTORY.slice(0, 3)))?.summary).toBe('two');
    expect(cache.find('other', prefixHashes(HISTORY))).toBeUndefined();
  });

  it('does not reuse a summary of an edited history', async () => {
    const cache = new SummaryCache(10);
    cache.store('c', entry(HISTORY.slice(0, 4), 'four'));
    const edited = [user('Where is order 4472?'), ...HISTORY.slice(1)];
    expect(cache.find('c', prefixHashes(edited))).toBeUndefined();
  });

  it('evicts the least recently used conversation', () => {
    const cache = new SummaryCache(2);
    const hashes = prefixHashes(HISTORY);
    cache.store('a', entry(HISTORY.slice(0, 1), 'a'));
    cache.store('b', entry(HISTORY.slice(0, 1), 'b'));
    cache.find('a', hashes);
    cache.store('c', entry(HISTORY.slice(0, 1), 'c'));

    expect(cache.size).toBe(2);
    expect(cache.find('a', hashes)).toBeDefined();
    expect(cache.find('b', hashes)).toBeUndefined();
    expect(cache.find('c', hashes)).toBeDefined();
  });

  it('keeps a few coverages per conversation, newest first', () => {
    const cache = new SummaryCache(10);
    for (let length = 1; length <= 5; length++)
      cache.store('c', entry(HISTORY.slice(0, length), `${length}`));
    expect(cache.find('c', prefixHashes(HISTORY.slice(0, 1)))).toBeUndefined();
    expect(cache.find('c', prefixHashes(HISTORY.slice(0, 2)))?.messages).toBe(2);
  });

  it('replaces an entry for the same coverage', async () => {
    const cache = new SummaryCache(10);
    cache.store('c', entry(HISTORY.slice(0, 2), 'old'));
    cache.store('c', entry(HISTORY.slice(0, 2), 'new'));
    expect(await cache.find('c', prefixHashes(HISTORY))?.summary).toBe('new');
  });

  it('forgets a summary that fails, leaving the rejection to its caller', async () => {
    const cache = new SummaryCache(10);
    const failure = new Error('summariser down');
    const failing = Promise.reject(failure);
    cache.store('c', entry(HISTORY.slice(0, 2), 'kept'));
    cache.store('c', entry(HISTORY.slice(0, 4), failing));
    await expect(failing).rejects.toBe(failure);

    expect(await cache.find('c', prefixHashes(HISTORY))?.summary).toBe('kept');
    cache.store('d', entry(HISTORY.slice(0, 1), Promise.reject(failure)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.find('d', prefixHashes(HISTORY))).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new SummaryCache(0)).toThrow(RangeError);
    expect(() => new SummaryCache(1.5)).toThrow(RangeError);
  });
});
