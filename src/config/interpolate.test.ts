import { describe, expect, it } from 'vitest';
import { interpolateEnv } from './interpolate.ts';

describe('interpolateEnv', () => {
  const environment = { KEY: 'sk-123', EMPTY: '', HOST: 'example.com' };

  it('replaces ${VAR} in nested string values and leaves other scalars alone', () => {
    const { value, issues } = interpolateEnv(
      { a: { key: '${KEY}', url: 'https://${HOST}/v1' }, list: ['${KEY}', 3, true, null] },
      environment,
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({
      a: { key: 'sk-123', url: 'https://example.com/v1' },
      list: ['sk-123', 3, true, null],
    });
  });

  it('uses ${VAR:-default} when the variable is unset or empty, the value otherwise', () => {
    const { value } = interpolateEnv(
      ['${MISSING:-d1}', '${EMPTY:-d2}', '${KEY:-d3}', '${MISSING:-}'],
      environment,
    );
    expect(value).toEqual(['d1', 'd2', 'sk-123', '']);
  });

  it('keeps an empty but set variable without default as empty', () => {
    expect(interpolateEnv('${EMPTY}', environment).value).toBe('');
  });

  it('turns $${…} into a literal ${…}', () => {
    const { value, issues } = interpolateEnv('cost: $${KEY} and ${KEY}', environment);
    expect(issues).toEqual([]);
    expect(value).toBe('cost: ${KEY} and sk-123');
  });

  it('reports each unset variable with its path', () => {
    const { issues } = interpolateEnv(
      { providers: { a: { api_key: '${NOPE}' } }, list: ['x', '${ALSO_NOPE}'] },
      environment,
    );
    expect(issues).toEqual([
      { path: ['providers', 'a', 'api_key'], message: expect.stringContaining('NOPE is not set') as string },
      { path: ['list', 1], message: expect.stringContaining('ALSO_NOPE is not set') as string },
    ]);
  });

  it('reports a malformed placeholder', () => {
    const { issues } = interpolateEnv({ key: '${not valid}' }, environment);
    expect(issues[0]?.message).toMatch(/invalid placeholder/);
  });

  it('leaves exempt subtrees as written and reports nothing there', () => {
    const { value, issues } = interpolateEnv(
      { off: { key: '${NOPE}' }, on: { key: '${KEY}' } },
      environment,
      (path) => path[0] === 'off',
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ off: { key: '${NOPE}' }, on: { key: 'sk-123' } });
  });

  it('does not interpolate keys', () => {
    expect(interpolateEnv({ '${KEY}': 'v' }, environment).value).toEqual({ '${KEY}': 'v' });
  });
});
