import { describe, expect, it } from 'vitest';
import type { RequestLogSettings } from '../../config/resolved.ts';
import { openRequestLogStore } from './open-store.ts';

function settings(overrides: Partial<RequestLogSettings>): RequestLogSettings {
  return {
    store: 'sqlite',
    path: ':memory:',
    url: undefined,
    retentionHours: 168,
    queueSize: 10_000,
    batchSize: 500,
    flushMs: 250,
    bodies: false,
    redact: [],
    ...overrides,
  };
}

describe('openRequestLogStore', () => {
  it('opens nothing for store: off', async () => {
    expect(await openRequestLogStore(settings({ store: 'off' }), 10)).toBeUndefined();
  });

  it.each(['memory', 'sqlite'] as const)('opens an initialised %s store', async (kind) => {
    const store = await openRequestLogStore(settings({ store: kind }), 10);
    expect(store?.kind).toBe(kind);
    await store?.insert([]);
    expect(await store?.statsRows({ since: 0 })).toEqual([]);
    await store?.close();
  });

  it('requires a url for postgres', async () => {
    await expect(openRequestLogStore(settings({ store: 'postgres' }), 10)).rejects.toThrow(/url is required/);
  });

  it('rejects when the store cannot be opened', async () => {
    const path = '/dev/null/not-a-directory/requests.sqlite';
    await expect(openRequestLogStore(settings({ store: 'sqlite', path }), 10)).rejects.toThrow();
  });
});
