import { describe, expect, it } from 'vitest';
import type { SignalValue } from '../../features/signal-types.ts';
import { compileRule } from './index.ts';
import { recordingValues, testCatalog } from './testing.ts';

type Values = Readonly<Record<string, SignalValue | undefined>>;

function evaluate(source: string, record: Values): boolean {
  return compileRule(source, testCatalog).evaluate(recordingValues(record).values);
}

const request: Values = {
  prompt_tokens: 1200,
  convo_length: 4,
  priority: 'normal',
  tenant: 'acme',
  model: 'gpt-4o',
  has_tools: true,
  stream: false,
  tags: ['beta', 'eu'],
  'metadata.team': 'legal',
  'metadata.customer-tier': 'gold',
};

describe('evaluating rules', () => {
  it.each([
    ['convo_length <= 8 && priority == "normal"', true],
    ['convo_length > 8 || metadata.escalation == "true"', false],
    ['prompt_tokens > 100000', false],
    ['prompt_tokens >= 1200 && prompt_tokens <= 1200 && prompt_tokens < 1201', true],
    ['prompt_tokens != 1200', false],
    ['metadata.team in ["legal", "compliance"]', true],
    ['metadata.team not in ["legal", "compliance"]', false],
    ['metadata.customer-tier == "gold"', true],
    ['convo_length in [1, 4]', true],
    ['convo_length not in [1, 2]', true],
    ['model matches "^gpt-"', true],
    ['model matches "^GPT-"', false],
    ['model matches "4o$"', true],
    ['"beta" in tags', true],
    ['"us" in tags', false],
    ['"us" not in tags', true],
    ['tenant in tags', false],
    ['has_tools', true],
    ['stream', false],
    ['!stream', true],
    ['has_tools == true && stream == false', true],
    ['(has_tools && stream) == false', true],
    ['exists(tenant) && !exists(metadata.absent)', true],
    ['-convo_length == -4', true],
    ['--convo_length == 4', true],
    ['3 < convo_length', true],
    ['prompt_tokens > convo_length', true],
    ['prompt_tokens == convo_length', false],
    ['1 < 2 && "a" == "a" && "b" matches "b" && 2 in [2] && !(3 in [2])', true],
    ['0.5 < 1 && -0.5 < 0', true],
    ['!(convo_length > 8)', true],
    ['!convo_length > 8', true],
  ])('%s → %s', (source, expected) => {
    expect(evaluate(source, request)).toBe(expected);
  });

  it('treats any comparison, in, not in or matches with a missing value as false', () => {
    const rules = [
      'metadata.absent == "a"',
      'metadata.absent != "a"',
      'metadata.absent in ["a"]',
      'metadata.absent not in ["a"]',
      'metadata.absent matches ""',
      'metadata.absent == tenant',
      'tenant != metadata.absent',
      'prompt_tokens < 1',
      'prompt_tokens >= 1',
      '-prompt_tokens < 1',
      '"a" in tags',
      '"a" not in tags',
      'tenant not in tags',
      'has_tools == false',
      'has_tools != true',
      'has_tools',
    ];
    for (const rule of rules) expect(evaluate(rule, {}), rule).toBe(false);
    expect(evaluate('!(metadata.absent == "a")', {})).toBe(true);
    expect(evaluate('!has_tools', {})).toBe(true);
    expect(evaluate('!exists(metadata.absent)', {})).toBe(true);
  });

  it('does not read the right side of && or || when the left side decides', () => {
    const rule = compileRule('convo_length > 8 && prompt_tokens > 10 || has_tools', testCatalog);
    const short = recordingValues({ convo_length: 2, has_tools: true });
    expect(rule.evaluate(short.values)).toBe(true);
    expect(short.reads).toEqual(['convo_length', 'has_tools']);

    const decided = recordingValues({ convo_length: 9, prompt_tokens: 11 });
    expect(rule.evaluate(decided.values)).toBe(true);
    expect(decided.reads).toEqual(['convo_length', 'prompt_tokens']);
  });

  it('does not read the right operand of a comparison whose left operand is missing', () => {
    const missing = recordingValues({});
    compileRule('prompt_tokens > convo_length', testCatalog).evaluate(missing.values);
    expect(missing.reads).toEqual(['prompt_tokens']);
  });

  it('lists the signals a rule may read, once each, in source order', () => {
    const rule = compileRule(
      'priority == "high" || exists(metadata.team) && priority != tenant || "x" in tags || 1 < 2',
      testCatalog,
    );
    expect(rule.signals).toEqual(['priority', 'metadata.team', 'tenant', 'tags']);
    expect(rule.source).toBe(
      'priority == "high" || exists(metadata.team) && priority != tenant || "x" in tags || 1 < 2',
    );
  });

  it('traces the signals actually read, once each, with their values (undefined when missing)', () => {
    const rule = compileRule(
      'convo_length <= 8 && convo_length > 2 && metadata.team == "legal"',
      testCatalog,
    );
    expect(rule.evaluateTraced(recordingValues({ convo_length: 4 }).values)).toEqual({
      result: false,
      reads: [
        { name: 'convo_length', value: 4 },
        { name: 'metadata.team', value: undefined },
      ],
    });
    expect(rule.evaluateTraced(recordingValues({ convo_length: 20 }).values)).toEqual({
      result: false,
      reads: [{ name: 'convo_length', value: 20 }],
    });
  });

  it('matches JavaScript regexes unanchored and case-sensitively, in Unicode mode', () => {
    expect(evaluate('model matches "gpt"', { model: 'openai/gpt-4o' })).toBe(true);
    expect(evaluate('model matches "^\\d+$"', { model: '123' })).toBe(true);
    expect(evaluate('model matches "^.$"', { model: '😀' })).toBe(true);
    expect(evaluate('model matches "^[Gg][Pp][Tt]"', { model: 'GPT-5' })).toBe(true);
  });

  it('keeps no state between calls, so a regex gives the same answer every time', () => {
    const rule = compileRule('model matches "a"', testCatalog);
    const { values } = recordingValues({ model: 'a' });
    expect([rule.evaluate(values), rule.evaluate(values), rule.evaluate(values)]).toEqual([true, true, true]);
  });
});
