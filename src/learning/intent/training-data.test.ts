import { describe, expect, it } from 'vitest';
import { IntentInputError, parseTextJsonl, rowsFromExamples } from './training-data.ts';

describe('intent training data', () => {
  it('reads labelled rows and skips blank lines', () => {
    const rows = parseTextJsonl(
      'train.jsonl',
      '{"text": "hi", "label": "greet"}\n\n{"text": "bye", "label": "bye"}\n',
      true,
    );
    expect(rows).toEqual([
      { line: 1, text: 'hi', label: 'greet' },
      { line: 3, text: 'bye', label: 'bye' },
    ]);
  });

  it('names the file, line and field of a bad row', () => {
    const parse = (content: string, requireLabel = true): unknown =>
      parseTextJsonl('train.jsonl', content, requireLabel);
    expect(() => parse('{"text": "a", "label": "x"}\n{"text": ')).toThrow(/^train.jsonl:2: not valid JSON/);
    expect(() => parse('{"text": "a"}')).toThrow("train.jsonl:1: field 'label': missing (expected a string)");
    expect(() => parse('{"text": 3, "label": "x"}')).toThrow("train.jsonl:1: field 'text': must be a string");
    expect(() => parse('{"text": "a", "label": ""}')).toThrow("field 'label': must be a non-empty string");
    expect(() => parse('["a", "x"]')).toThrow('train.jsonl:1: expected a JSON object');
    expect(() => parse('{"label": "x"}', false)).toThrow(IntentInputError);
    expect(parse('{"text": "a"}', false)).toEqual([{ line: 1, text: 'a', label: undefined }]);
  });

  it('turns few-shot examples into rows', () => {
    expect(rowsFromExamples({ greet: ['hi', 'hello'], oos: ['what is love'] })).toEqual([
      { text: 'hi', label: 'greet' },
      { text: 'hello', label: 'greet' },
      { text: 'what is love', label: 'oos' },
    ]);
  });
});
