import { describe, expect, it } from 'vitest';
import { parseRule, printRule } from './index.ts';
import { MAX_NESTING } from './parser.ts';
import { ruleErrorOf } from './testing.ts';

/** How the parser grouped `source`, shown with every compound operand parenthesised. */
function grouping(source: string): string {
  return printRule(parseRule(source), 'full');
}

describe('rule syntax', () => {
  it('reads literals: integers, decimals, digit separators, negative numbers, strings, booleans, lists', () => {
    expect(parseRule('8')).toMatchObject({ kind: 'number', value: 8 });
    expect(parseRule('0.5')).toMatchObject({ kind: 'number', value: 0.5 });
    expect(parseRule('100_000')).toMatchObject({ kind: 'number', value: 100000 });
    expect(parseRule('-3')).toMatchObject({ kind: 'number', value: -3, span: { offset: 0, length: 2 } });
    expect(parseRule('- 3')).toMatchObject({ kind: 'number', value: -3 });
    expect(parseRule('"a b"')).toMatchObject({
      kind: 'string',
      value: 'a b',
      span: { offset: 0, length: 5 },
    });
    expect(parseRule('true')).toMatchObject({ kind: 'boolean', value: true });
    expect(parseRule('false')).toMatchObject({ kind: 'boolean', value: false });
    expect(parseRule('[1, -2, 0.5]')).toMatchObject({
      kind: 'list',
      items: [{ value: 1 }, { value: -2 }, { value: 0.5 }],
    });
    expect(parseRule('["a","b"]')).toMatchObject({ kind: 'list', items: [{ value: 'a' }, { value: 'b' }] });
  });

  it('decodes \\" and \\\\ in strings and keeps any other backslash as written, for regexes', () => {
    expect(parseRule(String.raw`"say \"hi\""`)).toMatchObject({ value: 'say "hi"' });
    expect(parseRule(String.raw`"a\\b"`)).toMatchObject({ value: 'a\\b' });
    expect(parseRule(String.raw`"^\d+\.\w$"`)).toMatchObject({ value: String.raw`^\d+\.\w$` });
  });

  it('reads signal names with underscores, dots, and after a dot digits and dashes', () => {
    for (const name of [
      'prompt_tokens',
      '_x',
      'metadata.team',
      'metadata.customer-tier',
      'metadata.2fa',
      'a.b.c',
    ]) {
      expect(parseRule(name)).toEqual({ kind: 'signal', name, span: { offset: 0, length: name.length } });
    }
    expect(parseRule('metadata.in')).toMatchObject({ kind: 'signal', name: 'metadata.in' });
  });

  it('reads exists(name) as a presence test', () => {
    expect(parseRule('exists( metadata.team )')).toMatchObject({
      kind: 'exists',
      signal: { kind: 'signal', name: 'metadata.team', span: { offset: 8, length: 13 } },
      span: { offset: 0, length: 23 },
    });
  });

  it('reads every comparison operator, in, not in and matches', () => {
    for (const operator of ['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'matches']) {
      const tree = parseRule(`x ${operator} y`);
      expect(tree).toMatchObject({
        kind: 'compare',
        operator,
        operatorSpan: { offset: 2, length: operator.length },
      });
    }
    expect(grouping('x not  in ["a"]')).toBe('x not in ["a"]');
  });

  it('binds ||, &&, !, comparisons and unary minus from loosest to tightest', () => {
    expect(grouping('a || b && c')).toBe('a || (b && c)');
    expect(grouping('a && b || c')).toBe('(a && b) || c');
    expect(grouping('!a && b')).toBe('(!a) && b');
    expect(grouping('!x == "a"')).toBe('!(x == "a")');
    expect(grouping('!!a')).toBe('!(!a)');
    expect(grouping('a == b && c != d')).toBe('(a == b) && (c != d)');
    expect(grouping('-x < 3')).toBe('(-x) < 3');
    expect(grouping('(a || b) && c')).toBe('(a || b) && c');
    expect(grouping('x in [1, 2] || y matches "z"')).toBe('(x in [1, 2]) || (y matches "z")');
    expect(grouping('(a && b) == c')).toBe('(a && b) == c');
  });

  it('associates && and || to the left', () => {
    expect(grouping('a || b || c')).toBe('(a || b) || c');
    expect(grouping('a && b && c')).toBe('(a && b) && c');
  });

  it('accepts rules over several lines, with spans in the whole source', () => {
    const tree = parseRule('convo_length <= 8\n  && priority == "normal"');
    expect(tree).toMatchObject({ kind: 'logical', right: { span: { offset: 23, length: 20 } } });
  });

  it('prints with minimal parentheses', () => {
    expect(printRule(parseRule('((a) || (b && (c)))'))).toBe('a || b && c');
    expect(printRule(parseRule('a || (b || c)'))).toBe('a || (b || c)');
    expect(printRule(parseRule('!(a && b)'))).toBe('!(a && b)');
    expect(printRule(parseRule('x matches "a\\"b"'))).toBe('x matches "a\\"b"');
  });
});

describe('syntax errors', () => {
  const cases: [source: string, message: string, line: number, column: number, length: number][] = [
    ['', 'the rule is empty', 1, 1, 0],
    ['   ', 'the rule is empty', 1, 4, 0],
    ['a = 1', "'=' is not an operator; compare with '=='", 1, 3, 1],
    ['a & b', "'&' is not an operator; use '&&'", 1, 3, 1],
    ['a | b', "'|' is not an operator; use '||'", 1, 3, 1],
    ["a == 'x'", 'strings are written in double quotes', 1, 6, 1],
    ['a == @', 'unexpected character "@"', 1, 6, 1],
    ['x == "abc', 'unterminated string (missing closing ")', 1, 6, 4],
    ['x == "ab\nc"', 'unterminated string (missing closing ")', 1, 6, 3],
    ['x > 1.', "invalid number '1.'", 1, 5, 2],
    ['x > 1.2.3', "invalid number '1.2.3'", 1, 5, 5],
    ['x > 8k', "invalid number '8k'", 1, 5, 2],
    ['x > 1__0', "invalid number '1__0'", 1, 5, 4],
    ['metadata. == "a"', "expected a name after '.'", 1, 9, 1],
    ['a..b', "expected a name after '.'", 1, 2, 1],
    ['a b', "expected an operator or the end of the rule, found 'b'", 1, 3, 1],
    ['a and b', "use '&&' instead of 'and'", 1, 3, 3],
    ['a or b', "use '||' instead of 'or'", 1, 3, 2],
    ['(a && b', "expected ')' to close '(' at 1:1, found the end of the rule", 1, 8, 0],
    ['a && (b\n || c', "expected ')' to close '(' at 1:6, found the end of the rule", 2, 6, 0],
    ['a)', "expected an operator or the end of the rule, found ')'", 1, 2, 1],
    ['a &&', 'expected a value, found the end of the rule', 1, 5, 0],
    ['&& a', "expected a value, found '&&'", 1, 1, 2],
    ['a == !b', "'!' cannot stand here; put the negated part in parentheses", 1, 6, 1],
    ['a < b < c', "comparisons do not chain; join them with '&&' (found '<')", 1, 7, 1],
    ['a == b in c', "comparisons do not chain; join them with '&&' (found 'in')", 1, 8, 2],
    ['x not ["a"]', "'not' is only used in 'not in'; negate with '!'", 1, 3, 3],
    ['not x', "expected a value, found 'not'", 1, 1, 3],
    ['x in [', 'list items are numbers or strings, found the end of the rule', 1, 7, 0],
    ['x in [a]', "list items are numbers or strings, found 'a'", 1, 7, 1],
    ['x in [true]', "list items are numbers or strings, found 'true'", 1, 7, 4],
    ['x in ["a",]', "list items are numbers or strings, found ']'", 1, 11, 1],
    ['x in ["a" "b"]', "expected ']' to close '[' at 1:6, found string \"b\"", 1, 11, 3],
    ['x in []', 'an empty list never matches', 1, 6, 2],
    ['exists x', "expected '(' after 'exists', found 'x'", 1, 8, 1],
    ['exists("x")', 'exists(…) takes a signal name, found string "x"', 1, 8, 3],
    ['exists(a b)', "expected ')' after the signal name in exists(…), found 'b'", 1, 10, 1],
    [
      `${'('.repeat(MAX_NESTING + 1)}a${')'.repeat(MAX_NESTING + 1)}`,
      'nested more than 64 levels deep',
      1,
      65,
      1,
    ],
    [`${'!'.repeat(MAX_NESTING + 1)}a`, 'nested more than 64 levels deep', 1, 65, 1],
  ];

  it.each(cases)('%j → %s at %i:%i', (source, message, line, column, length) => {
    expect(ruleErrorOf(source)).toEqual({ message, line, column, length });
  });

  it('rejects a number too large to hold', () => {
    const digits = `1${'0'.repeat(400)}`;
    expect(ruleErrorOf(`x > ${digits}`)).toEqual({
      message: `number '${digits}' is too large`,
      line: 1,
      column: 5,
      length: 401,
    });
  });
});
