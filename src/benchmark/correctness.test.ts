import { describe, expect, it } from 'vitest';
import {
  checkAnswer,
  JUDGE_PASS_SCORE,
  judgeMessages,
  judgeVerdict,
  matchesExact,
  matchesJsonSchema,
  matchesRegex,
  parseJudgeScore,
  rowCorrect,
} from './correctness.ts';

describe('exact', () => {
  it('ignores surrounding whitespace only', () => {
    expect(matchesExact('Paris\n', 'Paris')).toBe(true);
    expect(matchesExact('paris', 'Paris')).toBe(false);
    expect(matchesExact('Paris.', 'Paris')).toBe(false);
  });
});

describe('regex', () => {
  it('matches anywhere unless anchored, with optional flags', () => {
    expect(matchesRegex('It was 1969, in July.', '\\b1969\\b')).toBe(true);
    expect(matchesRegex('It was 1969.', '^1969$')).toBe(false);
    expect(matchesRegex('SELECT COUNT(*) FROM orders', 'select count', 'i')).toBe(true);
    expect(matchesRegex('SELECT COUNT(*) FROM orders', 'select count')).toBe(false);
  });
});

describe('json_schema', () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
    required: ['name', 'age'],
  };

  it('accepts JSON that fits, also inside a ```json fence', () => {
    expect(matchesJsonSchema('{"name": "Amara", "age": 34}', schema)).toBe(true);
    expect(matchesJsonSchema('```json\n{"name": "Amara", "age": 34}\n```', schema)).toBe(true);
  });

  it('rejects a wrong type, a missing field, prose and an uncompilable schema', () => {
    expect(matchesJsonSchema('{"name": "Amara", "age": "34"}', schema)).toBe(false);
    expect(matchesJsonSchema('{"name": "Amara"}', schema)).toBe(false);
    expect(matchesJsonSchema('Amara is 34.', schema)).toBe(false);
    expect(matchesJsonSchema('{}', { type: 'no-such-type' })).toBe(false);
  });
});

describe('checkAnswer', () => {
  it('gives one verdict per free check and leaves the judge for later', () => {
    const verdicts = checkAnswer('{"a": 1}', [
      { kind: 'regex', pattern: '"a"', flags: '' },
      { kind: 'json_schema', schema: { type: 'object', required: ['b'] } },
      { kind: 'judge', rubric: 'anything' },
    ]);
    expect(verdicts).toEqual([
      { kind: 'regex', passed: true },
      { kind: 'json_schema', passed: false },
    ]);
    expect(rowCorrect(verdicts)).toBe(false);
    expect(rowCorrect([{ kind: 'exact', passed: true }])).toBe(true);
    expect(rowCorrect([])).toBeUndefined();
  });
});

describe('judge', () => {
  it('reads the last SCORE line, in the forms judges write it', () => {
    expect(parseJudgeScore('Good answer.\nSCORE: 8')).toBe(8);
    expect(parseJudgeScore('score = 6.5/10')).toBe(6.5);
    expect(parseJudgeScore('First SCORE: 2, revised. SCORE: 9')).toBe(9);
    expect(parseJudgeScore('I would give it an eight.')).toBeUndefined();
    expect(parseJudgeScore('SCORE: 11')).toBeUndefined();
  });

  it('passes at 7 and above', () => {
    expect(JUDGE_PASS_SCORE).toBe(7);
    expect(judgeVerdict(7)).toEqual({ kind: 'judge', passed: true });
    expect(judgeVerdict(6.9)).toEqual({ kind: 'judge', passed: false });
  });

  it('puts the question, rubric and answer in the prompt and asks for the score line', () => {
    const [system, user] = judgeMessages('Q?', 'A.', 'R');
    expect(system?.content).toContain('SCORE: n');
    expect(user?.content).toBe('Question:\nQ?\n\nRubric:\nR\n\nAnswer:\nA.');
  });
});
