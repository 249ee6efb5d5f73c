import { describe, expect, it } from 'vitest';
import { parsePromptRows, PromptFileError, readPromptRows } from './rows.ts';

function errorOf(text: string): string {
  try {
    parsePromptRows(text, 'p.jsonl');
  } catch (error) {
    if (error instanceof PromptFileError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

describe('prompt rows', () => {
  it('reads prompts and messages with their expectations, skipping blank lines', () => {
    const rows = parsePromptRows(
      [
        '{"id": "a", "prompt": "Capital of France?", "expected": "Paris", "max_tokens": 5}',
        '',
        '{"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}], "expected": {"regex": "x", "flags": "i"}, "rubric": "r"}',
        '{"prompt": "JSON", "json_schema": {"type": "object"}}',
      ].join('\n'),
      'p.jsonl',
    );
    expect(rows.map((row) => row.id)).toEqual(['a', 'line-3', 'line-4']);
    expect(rows[0]).toMatchObject({
      messages: [{ role: 'user', content: 'Capital of France?' }],
      maxTokens: 5,
      expectations: [{ kind: 'exact', text: 'Paris' }],
    });
    expect(rows[1]?.expectations).toEqual([
      { kind: 'regex', pattern: 'x', flags: 'i' },
      { kind: 'judge', rubric: 'r' },
    ]);
    expect(rows[2]).toMatchObject({
      jsonSchema: { type: 'object' },
      expectations: [{ kind: 'json_schema' }],
    });
  });

  it('names the file, line and field of a bad row', () => {
    expect(errorOf('{"prompt": "ok"}\n{"prompt": "x", "max_tokens": 0}')).toMatch(
      /^p\.jsonl:2: max_tokens: /,
    );
    expect(errorOf('{"prompt": "x", "expected": {"regex": "("}}')).toBe(
      'p.jsonl:1: expected.regex: must be a valid regular expression',
    );
    expect(errorOf('{"messages": [{"role": "robot", "content": "x"}]}')).toMatch(
      /^p\.jsonl:1: messages\.0\.role: /,
    );
    expect(errorOf('{"prompt": "x", "expect": "y"}')).toMatch(/^p\.jsonl:1: .*expect/);
    expect(errorOf('{"prompt": "x", "messages": [{"role": "user", "content": "y"}]}')).toBe(
      'p.jsonl:1: prompt: give exactly one of "prompt" or "messages"',
    );
  });

  it('rejects invalid JSON, duplicate ids and an empty file', () => {
    expect(errorOf('{"prompt": "x"}\n{nope')).toMatch(/^p\.jsonl:2: not valid JSON/);
    expect(errorOf('{"id": "a", "prompt": "x"}\n{"id": "a", "prompt": "y"}')).toBe(
      'p.jsonl:2: id: "a" is also the id of line 1',
    );
    expect(errorOf('\n\n')).toBe('p.jsonl: no prompt rows');
  });

  it('reads the shipped example prompts', async () => {
    const rows = await readPromptRows(
      new URL('../../examples/bench/prompts.jsonl', import.meta.url).pathname,
    );
    expect(rows.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(rows.flatMap((row) => row.expectations.map((expectation) => expectation.kind)));
    expect([...kinds].sort()).toEqual(['exact', 'json_schema', 'judge', 'regex']);
  });

  it('reports a missing file by name', async () => {
    await expect(readPromptRows('/no/such/prompts.jsonl')).rejects.toThrow(
      '/no/such/prompts.jsonl: cannot read the prompts file: file not found',
    );
  });
});
