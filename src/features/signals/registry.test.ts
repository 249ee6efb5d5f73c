import { describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../../core/request.ts';
import type { SignalCatalog, SignalValues } from '../signal-types.ts';
import * as tokens from '../tokens.ts';
import { createSignalRegistry } from './index.ts';
import { SignalRegistry, type SignalContext } from './registry.ts';

// The one token counter, wrapped so a test can see when it runs.
vi.mock('../tokens.ts', async (importOriginal) => {
  const original = await importOriginal<typeof tokens>();
  return { ...original, countPromptTokens: vi.fn(original.countPromptTokens) };
});

const request: ChatRequest = {
  model: 'auto',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Classify me' }] }],
  sampling: {},
  stream: false,
  includeUsage: false,
  metadata: { team: 'legal' },
};
const context: SignalContext = { request, headers: {} };

describe('SignalRegistry', () => {
  it('computes a value only when read, and at most once per request', () => {
    const compute = vi.fn(() => 7);
    const registry = new SignalRegistry().register(
      { name: 'expensive', type: 'number', description: 'Counts calls.' },
      compute,
    );
    const values = registry.valuesFor(context);
    expect(compute).not.toHaveBeenCalled();
    expect(values.get('expensive')).toBe(7);
    expect(values.get('expensive')).toBe(7);
    expect(compute).toHaveBeenCalledTimes(1);
    // A new request computes afresh.
    expect(registry.valuesFor(context).get('expensive')).toBe(7);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('remembers missing values too, and reads nothing a rule does not ask for', () => {
    const missing = vi.fn(() => undefined);
    const unread = vi.fn(() => true);
    const registry = new SignalRegistry()
      .register({ name: 'absent', type: 'string', description: 'Never present.' }, missing)
      .register({ name: 'unread', type: 'boolean', description: 'Never read.' }, unread);
    const values = registry.valuesFor(context);
    expect(values.get('absent')).toBeUndefined();
    expect(values.get('absent')).toBeUndefined();
    expect(missing).toHaveBeenCalledTimes(1);
    expect(unread).not.toHaveBeenCalled();
    expect([...values.readValues()]).toEqual([['absent', undefined]]);
  });

  it('does not tokenize for a rule that reads only convo_length, and tokenizes once when asked', () => {
    const countPromptTokens = vi.mocked(tokens.countPromptTokens);
    countPromptTokens.mockClear();
    const values = createSignalRegistry().valuesFor(context);
    expect(values.get('convo_length')).toBe(1);
    expect(countPromptTokens).not.toHaveBeenCalled();
    expect(values.get('prompt_tokens')).toBeGreaterThan(0);
    expect(values.get('prompt_tokens')).toBeGreaterThan(0);
    expect(countPromptTokens).toHaveBeenCalledTimes(1);
    expect(countPromptTokens).toHaveBeenCalledWith(request, 'o200k');
  });

  it('computes each member of a family once, with its key', () => {
    const compute = vi.fn((_: SignalContext, key: string) => `value-of-${key}`);
    const registry = new SignalRegistry().registerFamily(
      { prefix: 'label', type: 'string', description: 'A label.' },
      compute,
    );
    const values = registry.valuesFor(context);
    expect(values.get('label.a')).toBe('value-of-a');
    expect(values.get('label.a')).toBe('value-of-a');
    expect(values.get('label.b.c')).toBe('value-of-b.c');
    expect(values.get('label.')).toBeUndefined();
    expect(values.get('label')).toBeUndefined();
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('reads a throwing or mistyped compute as missing and keeps the failure', () => {
    const registry = new SignalRegistry()
      .register({ name: 'flaky', type: 'string', description: 'Throws.' }, () => {
        throw new Error('classifier unavailable');
      })
      .register(
        { name: 'mistyped', type: 'number', description: 'Returns a string at runtime.' },
        () => JSON.parse('"seven"') as number,
      )
      .register({ name: 'fine', type: 'boolean', description: 'Works.' }, () => true);
    const values = registry.valuesFor(context);
    expect(values.get('flaky')).toBeUndefined();
    expect(values.get('flaky')).toBeUndefined();
    expect(values.get('mistyped')).toBeUndefined();
    expect(values.get('fine')).toBe(true);
    expect(values.failures()).toMatchObject([
      { signal: 'flaky', message: 'classifier unavailable' },
      { signal: 'mistyped', message: 'returned a string where a number was declared' },
    ]);
  });

  it('lets a later feature register a signal beside the built-ins, visible to rules and values', () => {
    const registry = createSignalRegistry().register(
      { name: 'sentiment', type: 'string', description: 'How the user feels, from a classifier.' },
      ({ request: { messages } }) => (messages.length > 0 ? 'classify' : undefined),
    );
    const catalog: SignalCatalog = registry;
    expect(catalog.lookup('sentiment')).toEqual({
      name: 'sentiment',
      type: 'string',
      description: 'How the user feels, from a classifier.',
    });
    expect(catalog.list().map((definition) => definition.name)).toContain('sentiment');
    const values: SignalValues = registry.valuesFor(context);
    expect(values.get('sentiment')).toBe('classify');
    expect(values.get('convo_length')).toBe(1);
  });

  it('looks up fixed signals and family members, and nothing else', () => {
    const registry = createSignalRegistry();
    expect(registry.lookup('convo_length')).toMatchObject({ name: 'convo_length', type: 'number' });
    expect(registry.lookup('metadata.team')).toMatchObject({ name: 'metadata.team', type: 'string' });
    expect(registry.list()).toContainEqual(expect.objectContaining({ name: 'metadata.*', type: 'string' }));
    expect(registry.lookup('metadata')).toBeUndefined();
    expect(registry.lookup('metadata.')).toBeUndefined();
    expect(registry.lookup('convo_length.x')).toBeUndefined();
    expect(registry.lookup('nope')).toBeUndefined();
  });

  it('refuses malformed and duplicate names at registration', () => {
    const registry = createSignalRegistry();
    const define = (name: string) => ({ name, type: 'number' as const, description: 'x' });
    expect(() => registry.register(define('prompt_tokens'), () => 1)).toThrow(/already registered/);
    expect(() => registry.register(define('metadata'), () => 1)).toThrow(/already registered/);
    expect(() => registry.register(define('PromptTokens'), () => 1)).toThrow(/snake_case/);
    expect(() => registry.register(define('a.b'), () => 1)).toThrow(/snake_case/);
    expect(() =>
      registry.registerFamily({ prefix: 'model', type: 'string', description: 'x' }, () => 'x'),
    ).toThrow(/already registered/);
  });
});
