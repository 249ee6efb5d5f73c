import { describe, expect, it } from 'vitest';
import type { AnswerRules } from '../../config/resolved.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse, FinishReason } from '../../core/response.ts';
import { checkAnswerRules, looksLikeRefusal } from './answer-rules.ts';
import { answerConfidence, checkConfidence } from './confidence.ts';
import { parseGrade } from './model-verifier.ts';

const RULES: AnswerRules = {
  rejectRefusals: true,
  rejectTruncated: true,
  rejectInvalidJson: true,
  pattern: undefined,
  requiredFields: [],
};

const request: ChatRequest = {
  model: 'auto',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  sampling: {},
  stream: false,
  includeUsage: false,
  metadata: {},
};

function answer(text: string, finish: FinishReason['unified'] = 'stop'): ChatResponse {
  return {
    id: 'x',
    upstreamModel: 'm',
    created: 0,
    text,
    toolCalls: [],
    finishReason: { unified: finish, raw: finish },
    usage: undefined,
  };
}

describe('refusal patterns', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I am sorry, I am unable to provide that information.',
    'Sorry — I cannot assist with this request.',
    "I can't help with that request.",
    'I must decline to answer this.',
    'Unfortunately, I cannot help with that.',
    "As an AI language model, I don't have personal opinions.",
  ])('sees a refusal in %j', (text) => expect(looksLikeRefusal(text)).toBe(true));

  it.each([
    'Paris is the capital of France.',
    "Here is the fix. Note that you can't call it twice: the second call throws.",
    "I'm sorry to hear that your build failed! Try clearing the cache first.",
    'Sorry for the wait — the answer is 42.',
  ])('does not flag %j', (text) => expect(looksLikeRefusal(text)).toBe(false));
});

describe('answer rules', () => {
  it('passes a plain good answer', () => {
    expect(checkAnswerRules(RULES, request, answer('Fine.'))).toMatchObject({ passed: true });
  });

  it('rejects truncation, empty answers and refusals, each only when its rule is on', () => {
    expect(checkAnswerRules(RULES, request, answer('Half an ans', 'length')).reason).toContain('length');
    expect(
      checkAnswerRules({ ...RULES, rejectTruncated: false }, request, answer('Half', 'length')).passed,
    ).toBe(true);
    expect(checkAnswerRules(RULES, request, answer('  ')).reason).toBe('empty answer');
    const refusal = answer("I'm sorry, but I can't help with that.");
    expect(checkAnswerRules(RULES, request, refusal).passed).toBe(false);
    expect(checkAnswerRules({ ...RULES, rejectRefusals: false }, request, refusal).passed).toBe(true);
  });

  it('checks JSON against the requested schema', () => {
    const asked: ChatRequest = {
      ...request,
      responseFormat: {
        type: 'json_schema',
        name: 'city',
        schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    };
    expect(checkAnswerRules(RULES, asked, answer('{"name": "Oslo"}')).passed).toBe(true);
    expect(checkAnswerRules(RULES, asked, answer('{"name": 3}')).reason).toContain('/name must be string');
    expect(checkAnswerRules(RULES, asked, answer('{"nom": "Oslo"}')).reason).toContain(
      "required property 'name'",
    );
    expect(checkAnswerRules(RULES, asked, answer('Oslo')).reason).toBe('the answer is not valid JSON');
    // Without the JSON rule, a text answer to a JSON request is not judged.
    expect(checkAnswerRules({ ...RULES, rejectInvalidJson: false }, asked, answer('Oslo')).passed).toBe(true);
  });

  it('requires fields and patterns', () => {
    const fields = { ...RULES, requiredFields: ['id'] };
    expect(checkAnswerRules(fields, request, answer('{"id": 1}')).passed).toBe(true);
    expect(checkAnswerRules(fields, request, answer('{"other": 1}')).reason).toBe(
      'required field "id" is missing',
    );
    expect(checkAnswerRules(fields, request, answer('[1]')).passed).toBe(false);
    const pattern = { ...RULES, pattern: /ticket #\d+/u };
    expect(checkAnswerRules(pattern, request, answer('Opened ticket #42.')).passed).toBe(true);
    expect(checkAnswerRules(pattern, request, answer('Opened a ticket.')).passed).toBe(false);
  });
});

describe('grades and confidence', () => {
  it.each([
    ['SCORE: 8\nGood.', 8],
    ['score=7.5 because…', 7.5],
    ['Reasoning first. Score: 3', 3],
    ['APPROVE', 10],
    ['Rejected: wrong year.', 0],
    ['Score: 11', undefined],
    ['Looks fine to me.', undefined],
  ])('reads %j as %s', (text, grade) => expect(parseGrade(text)).toBe(grade));

  it('is the geometric mean of token probabilities', () => {
    const tokens = [Math.log(0.5), Math.log(0.125)].map((logprob) => ({
      token: 't',
      logprob,
      bytes: null,
      top: [],
    }));
    const response = { ...answer('ab'), logprobs: tokens };
    expect(answerConfidence(response)).toBeCloseTo(0.25, 10);
    expect(checkConfidence(0.3, response)).toMatchObject({ passed: false, score: 0.25 });
    expect(checkConfidence(0.2, response)).toMatchObject({ passed: true });
    expect(checkConfidence(0.9, answer('no logprobs'))).toMatchObject({ passed: true });
  });
});
