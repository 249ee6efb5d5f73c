import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalCatalog, SignalValue } from '../../features/signal-types.ts';
import type { ComparisonOperator, NumberLiteral, RuleNode, SignalReference, StringLiteral } from './ast.ts';
import { compileRule, parseRule, printRule, RuleError } from './index.ts';
import { recordingValues, referenceEvaluate, testCatalog, withoutSpans } from './testing.ts';

// Generated trees have no source, so they carry an empty span; comparisons strip spans anyway.
const SPAN = { offset: 0, length: 0 };
const NUMBER_SIGNALS = ['prompt_tokens', 'convo_length'] as const;
const STRING_SIGNALS = ['priority', 'tenant', 'metadata.team', 'metadata.customer-tier'] as const;
const BOOLEAN_SIGNALS = ['has_tools', 'stream'] as const;
const ALL_SIGNALS = [...NUMBER_SIGNALS, ...STRING_SIGNALS, ...BOOLEAN_SIGNALS, 'tags'] as const;
// A small pool, so generated values and literals are often equal; with quotes and backslashes.
const STRINGS = ['normal', 'high', 'legal', '', 'a"b', 'back\\slash', 'gpt-4o'] as const;
const PATTERNS = ['^gpt-', 'a', '^$', 'l.g', '\\d', '"'] as const;

const signal = (name: string): SignalReference => ({ kind: 'signal', name, span: SPAN });
const numberLiteral = (value: number): NumberLiteral => ({ kind: 'number', value, span: SPAN });
const stringLiteral = (value: string): StringLiteral => ({ kind: 'string', value, span: SPAN });
const compare = (operator: ComparisonOperator, left: RuleNode, right: RuleNode): RuleNode => ({
  kind: 'compare',
  operator,
  left,
  right,
  span: SPAN,
  operatorSpan: SPAN,
});

const numberValue = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, -1.5, 100_000));
const numberOperand: fc.Arbitrary<RuleNode> = fc.oneof(
  numberValue.map(numberLiteral),
  fc.constantFrom(...NUMBER_SIGNALS).map(signal),
  fc
    .constantFrom(...NUMBER_SIGNALS)
    .map((name): RuleNode => ({ kind: 'negate', operand: signal(name), span: SPAN })),
);
const stringOperand: fc.Arbitrary<RuleNode> = fc.oneof(
  fc.constantFrom(...STRINGS).map(stringLiteral),
  fc.constantFrom(...STRING_SIGNALS).map(signal),
);

const leafCondition: fc.Arbitrary<RuleNode> = fc.oneof(
  fc.boolean().map((value): RuleNode => ({ kind: 'boolean', value, span: SPAN })),
  fc.constantFrom(...BOOLEAN_SIGNALS).map(signal),
  fc
    .constantFrom(...ALL_SIGNALS)
    .map((name): RuleNode => ({ kind: 'exists', signal: signal(name), span: SPAN })),
  fc
    .tuple(fc.constantFrom('==', '!=', '<', '<=', '>', '>=' as const), numberOperand, numberOperand)
    .map(([operator, left, right]) => compare(operator, left, right)),
  fc
    .tuple(fc.constantFrom('==', '!=' as const), stringOperand, stringOperand)
    .map(([operator, left, right]) => compare(operator, left, right)),
  fc
    .tuple(
      fc.constantFrom('in', 'not in' as const),
      numberOperand,
      fc.array(numberValue, { minLength: 1, maxLength: 3 }),
    )
    .map(([operator, left, items]) =>
      compare(operator, left, { kind: 'list', items: items.map(numberLiteral), span: SPAN }),
    ),
  fc
    .tuple(
      fc.constantFrom('in', 'not in' as const),
      stringOperand,
      fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }),
    )
    .map(([operator, left, items]) =>
      compare(operator, left, { kind: 'list', items: items.map(stringLiteral), span: SPAN }),
    ),
  fc
    .tuple(fc.constantFrom('in', 'not in' as const), stringOperand)
    .map(([operator, left]) => compare(operator, left, signal('tags'))),
  fc
    .tuple(stringOperand, fc.constantFrom(...PATTERNS))
    .map(([left, pattern]) => compare('matches', left, stringLiteral(pattern))),
);

/** Well-typed conditions of random shape; the leaf comes first so deep trees end in leaves. */
const { condition } = fc.letrec<{ condition: RuleNode }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    leafCondition,
    tie('condition').map((operand): RuleNode => ({ kind: 'not', operand, span: SPAN })),
    fc
      .tuple(fc.constantFrom('&&', '||' as const), tie('condition'), tie('condition'))
      .map(([operator, left, right]): RuleNode => ({ kind: 'logical', operator, left, right, span: SPAN })),
    fc
      .tuple(fc.constantFrom('==', '!=' as const), tie('condition'), tie('condition'))
      .map(([operator, left, right]) => compare(operator, left, right)),
  ),
}));

/** One request: each signal present with a value from a small domain, or missing. */
const signalRecord: fc.Arbitrary<Record<string, SignalValue | undefined>> = fc.record({
  ...Object.fromEntries(NUMBER_SIGNALS.map((name) => [name, fc.option(numberValue, { nil: undefined })])),
  ...Object.fromEntries(
    STRING_SIGNALS.map((name) => [name, fc.option(fc.constantFrom(...STRINGS), { nil: undefined })]),
  ),
  ...Object.fromEntries(BOOLEAN_SIGNALS.map((name) => [name, fc.option(fc.boolean(), { nil: undefined })])),
  tags: fc.option(fc.array(fc.constantFrom(...STRINGS), { maxLength: 3 }), { nil: undefined }),
});

function distinct(names: readonly string[]): string[] {
  return [...new Set(names)];
}

describe('rule language properties', () => {
  it('prints with minimal or full parentheses and parses back to the same tree', () => {
    fc.assert(
      fc.property(condition, (tree) => {
        expect(withoutSpans(parseRule(printRule(tree)))).toEqual(withoutSpans(tree));
        expect(withoutSpans(parseRule(printRule(tree, 'full')))).toEqual(withoutSpans(tree));
      }),
      { numRuns: 500 },
    );
  });

  it('evaluates as the reference tree walk does, reading the same signals in the same order', () => {
    fc.assert(
      fc.property(condition, signalRecord, (tree, record) => {
        const minimal = compileRule(printRule(tree), testCatalog);
        const full = compileRule(printRule(tree, 'full'), testCatalog);
        const reference = recordingValues(record);
        const expected = referenceEvaluate(tree, reference.values);

        const compiled = recordingValues(record);
        expect(minimal.evaluate(compiled.values)).toBe(expected);
        expect(full.evaluate(recordingValues(record).values)).toBe(expected);
        expect(distinct(compiled.reads)).toEqual(distinct(reference.reads));

        const traced = minimal.evaluateTraced(recordingValues(record).values);
        expect(traced.result).toBe(expected);
        expect(traced.reads).toEqual(
          distinct(reference.reads).map((name) => ({ name, value: record[name] })),
        );
        expect(minimal.signals).toEqual(expect.arrayContaining(traced.reads.map((read) => read.name)));
      }),
      { numRuns: 1000 },
    );
  });

  it('never reads the right side of && or || when the left side decides', () => {
    const withSentinel: SignalCatalog = {
      lookup: (name) =>
        name === 'sentinel' ? { name, type: 'number', description: 'never read' } : testCatalog.lookup(name),
      list: () => testCatalog.list(),
    };
    fc.assert(
      fc.property(condition, signalRecord, fc.constantFrom('&&', '||'), (left, record, operator) => {
        const leftResult = referenceEvaluate(left, recordingValues(record).values);
        const decided = operator === '&&' ? !leftResult : leftResult;
        const rule = compileRule(`(${printRule(left)}) ${operator} sentinel > 0`, withSentinel);
        const { values, reads } = recordingValues({ ...record, sentinel: 1 });
        expect(rule.evaluate(values)).toBe(decided ? leftResult : true);
        expect(reads.includes('sentinel')).toBe(!decided);
      }),
      { numRuns: 500 },
    );
  });

  it('makes any comparison, in, not in or matches against a missing value false, and its negation true', () => {
    const literal = fc.oneof(
      numberValue.map((value) => ({ type: 'number', text: printRule(numberLiteral(value)) })),
      fc.constantFrom(...STRINGS).map((value) => ({ type: 'string', text: printRule(stringLiteral(value)) })),
      fc.boolean().map((value) => ({ type: 'boolean', text: String(value) })),
    );
    const missingByType: Readonly<Record<string, string>> = {
      number: 'prompt_tokens',
      string: 'metadata.absent',
      boolean: 'has_tools',
    };
    const comparisons = fc.oneof(
      fc
        .tuple(fc.constantFrom('==', '!='), literal, fc.boolean())
        .map(([operator, { type, text }, missingFirst]) =>
          missingFirst
            ? `${missingByType[type]} ${operator} ${text}`
            : `${text} ${operator} ${missingByType[type]}`,
        ),
      fc
        .tuple(fc.constantFrom('<', '<=', '>', '>='), numberValue, fc.boolean())
        .map(([operator, value, missingFirst]) => {
          const text = printRule(numberLiteral(value));
          return missingFirst ? `prompt_tokens ${operator} ${text}` : `${text} ${operator} -prompt_tokens`;
        }),
      fc
        .tuple(fc.constantFrom('==', '!='), fc.boolean())
        .map(([operator, missingFirst]) =>
          missingFirst ? `metadata.absent ${operator} tenant` : `tenant ${operator} metadata.absent`,
        ),
      fc
        .tuple(
          fc.constantFrom('in', 'not in'),
          fc.array(fc.constantFrom(...STRINGS), { minLength: 1, maxLength: 3 }),
        )
        .map(
          ([operator, items]) =>
            `metadata.absent ${operator} [${items.map((item) => printRule(stringLiteral(item))).join(', ')}]`,
        ),
      fc
        .tuple(fc.constantFrom('in', 'not in'), fc.constantFrom('"x"', 'tenant', 'metadata.absent'))
        .map(([operator, needle]) => `${needle} ${operator} tags`),
      fc
        .constantFrom(...PATTERNS)
        .map((pattern) => `metadata.absent matches ${printRule(stringLiteral(pattern))}`),
    );
    fc.assert(
      fc.property(comparisons, (source) => {
        // Only `tenant` has a value: every rule above involves at least one missing operand.
        const values = recordingValues({ tenant: 'x' }).values;
        expect(compileRule(source, testCatalog).evaluate(values)).toBe(false);
        expect(compileRule(`!(${source})`, testCatalog).evaluate(values)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects any other text with a RuleError positioned inside the source, never with another error', () => {
    const pieces = [
      ...ALL_SIGNALS,
      ...[
        'metadata.',
        'in',
        'not',
        'matches',
        'exists',
        'true',
        'false',
        '1',
        '-',
        '0.5',
        '1_0',
        '"a"',
        '"\\"',
      ],
      ...[
        '==',
        '!=',
        '<',
        '<=',
        '>',
        '>=',
        '&&',
        '||',
        '!',
        '(',
        ')',
        '[',
        ']',
        ',',
        '=',
        '&',
        '"',
        '\n',
        ' ',
        '@',
      ],
    ];
    const text = fc.oneof(
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join(' ')),
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(text, (source) => {
        try {
          const rule = compileRule(source, testCatalog);
          expect(typeof rule.evaluate(recordingValues({}).values)).toBe('boolean');
        } catch (error) {
          if (!(error instanceof RuleError)) throw error;
          expect(error.offset).toBeGreaterThanOrEqual(0);
          expect(error.offset + error.length).toBeLessThanOrEqual(source.length);
          expect(error.line).toBeGreaterThanOrEqual(1);
          expect(error.column).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
