import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule } from './index.ts';
import { ruleErrorOf, testCatalog } from './testing.ts';

// The examples and error messages in docs/routing-rules.md are checked, so the docs cannot drift.
const reference = await readFile(join(import.meta.dirname, '../../../docs/routing-rules.md'), 'utf8');
const examples = (/```text\n([\s\S]*?)```/.exec(reference)?.[1] ?? '')
  .split('\n')
  .filter((line) => line !== '');
const messages = [...reference.matchAll(/^\| `(.+?)` +\| `(.+)` +\|$/gm)].map(
  ([, rule = '', message = '']) => ({
    rule,
    message,
  }),
);

describe('docs/routing-rules.md', () => {
  it('has examples and messages', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(messages.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples)('example %s compiles', (rule) => {
    expect(() => compileRule(rule, testCatalog)).not.toThrow();
  });

  it.each(messages)('$rule is rejected with the documented message', ({ rule, message }) => {
    expect(ruleErrorOf(rule).message).toBe(message);
  });
});
