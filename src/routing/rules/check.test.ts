import { describe, expect, it } from 'vitest';
import type { SignalCatalog } from '../../features/signal-types.ts';
import { compileRule, RuleError } from './index.ts';
import { editDistance } from './suggest.ts';
import { ruleErrorOf, testCatalog } from './testing.ts';

describe('type checking', () => {
  it('accepts well-typed rules', () => {
    const rules = [
      'convo_length <= 8 && priority == "normal"',
      'convo_length > 8 || metadata.escalation == "true"',
      'prompt_tokens > 100_000',
      'metadata.team in ["legal", "compliance"]',
      'metadata.team not in ["legal"]',
      'convo_length in [1, 2, -3]',
      'model matches "^gpt-"',
      '"urgent" in tags',
      'tenant not in tags',
      'has_tools',
      '!has_tools && !stream',
      'has_tools == true',
      '(has_tools || stream) != (prompt_tokens > 5)',
      'exists(metadata.team)',
      '-convo_length < -2',
      'prompt_tokens >= convo_length',
      'true',
      '1 < 2',
      '"a" matches "a"',
    ];
    for (const rule of rules) expect(() => compileRule(rule, testCatalog), rule).not.toThrow();
  });

  const cases: [source: string, message: string, column: number, length: number][] = [
    ['promt_tokens > 1', "unknown signal 'promt_tokens' (did you mean 'prompt_tokens'?)", 1, 12],
    ['metdata.team == "a"', "unknown signal 'metdata.team' (did you mean 'metadata.team'?)", 1, 12],
    [
      'x == 1',
      "unknown signal 'x' (known: prompt_tokens, convo_length, priority, tenant, model, has_tools, stream, tags, metadata.*)",
      1,
      1,
    ],
    ['exists(tenantt)', "unknown signal 'tenantt' (did you mean 'tenant'?)", 8, 7],
    ['tenant == null', "there is no 'null'; test presence with exists(signal)", 11, 4],
    [
      'prompt_tokens == "x"',
      '\'==\' compares values of the same type; prompt_tokens is a number and "x" is a string',
      1,
      20,
    ],
    [
      'has_tools != 1',
      "'!=' compares values of the same type; has_tools is a boolean (true/false) and 1 is a number",
      1,
      14,
    ],
    ['has_tools > 1', "'>' orders numbers only; has_tools is a boolean (true/false)", 1, 9],
    ['1 <= priority', "'<=' orders numbers only; priority is a string", 6, 8],
    [
      'prompt_tokens matches "1"',
      "'matches' tests a string against a pattern; prompt_tokens is a number",
      1,
      13,
    ],
    [
      'model matches tenant',
      "the pattern after 'matches' must be a string literal (it is compiled once, at load)",
      15,
      6,
    ],
    ['model matches "(gpt"', 'invalid regular expression: Unterminated group', 15, 6],
    ['model matches "a\\-b"', 'invalid regular expression: Invalid escape', 15, 6],
    ['prompt_tokens && has_tools', "'&&' joins conditions (true or false); prompt_tokens is a number", 1, 13],
    ['has_tools || tenant', "'||' joins conditions (true or false); tenant is a string", 14, 6],
    ['!model', "'!' negates a condition (true or false); model is a string", 2, 5],
    ['prompt_tokens', 'a rule must be a condition (true or false), but prompt_tokens is a number', 1, 13],
    ['[1, 2]', "a list can only follow 'in' or 'not in'", 1, 6],
    ['[1] == [1]', "a list can only follow 'in' or 'not in'", 1, 3],
    ['-has_tools', "'-' negates numbers; has_tools is a boolean (true/false)", 2, 9],
    ['tenant in [1, 2]', "'in' looks for a value among numbers; tenant is a string", 1, 16],
    [
      'convo_length not in ["a"]',
      "'not in' looks for a value among strings; convo_length is a number",
      1,
      25,
    ],
    ['tenant in ["a", 1]', 'a list holds values of one type; "a" is a string and 1 is a number', 17, 1],
    [
      'tenant in model',
      "'in' needs a list [...] or a string[] signal on its right; model is a string (to look inside a string, use 'matches')",
      11,
      5,
    ],
    ['tenant in 3', "'in' needs a list [...] or a string[] signal on its right; 3 is a number", 11, 1],
    ['3 in tags', "'in' looks for a string in a string[]; 3 is a number", 1, 1],
    ['tags == "a"', 'tags is a list of strings (string[]); test membership with "value" in tags', 1, 4],
    ['tags in ["a"]', 'tags is a list of strings (string[]); test membership with "value" in tags', 1, 4],
  ];

  it.each(cases)('%j → %s at 1:%i', (source, message, column, length) => {
    expect(ruleErrorOf(source)).toEqual({ message, line: 1, column, length });
  });

  it('positions errors on later lines', () => {
    expect(ruleErrorOf('convo_length <= 8 &&\n    priority == 3')).toEqual({
      message: "'==' compares values of the same type; priority is a string and 3 is a number",
      line: 2,
      column: 5,
      length: 13,
    });
  });

  it('formats an error with the line and a caret under the problem', () => {
    let error: unknown;
    try {
      compileRule('has_tools &&\n  prompt_tokens > "many"', testCatalog);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).format()).toBe(
      [
        '2:19: \'>\' orders numbers only; "many" is a string',
        '    prompt_tokens > "many"',
        '                    ^^^^^^',
      ].join('\n'),
    );
  });

  it('suggests nothing when no signal is close, and lists only the first ten', () => {
    const many: SignalCatalog = {
      lookup: () => undefined,
      list: () =>
        Array.from({ length: 12 }, (_, index) => ({ name: `s${index}`, type: 'number', description: '' })),
    };
    expect(ruleErrorOf('completely_different', many).message).toBe(
      "unknown signal 'completely_different' (known: s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, …)",
    );
  });

  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
