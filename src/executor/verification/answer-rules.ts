/**
 * The free checks of an answer: a refusal, a cut answer, JSON that does not parse or fit the requested
 * schema, a required pattern or field missing. Run before any verifier that costs time or money.
 */

import { Ajv, type ValidateFunction } from 'ajv';
import type { AnswerRules } from '../../config/resolved.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { CheckResult } from './verdict.ts';

/**
 * Refusals as models phrase them, anchored near the start: a refusal opens the answer, while an answer
 * that merely quotes "I can't" halfway through is not one.
 */
const REFUSAL_PATTERNS: readonly RegExp[] = [
  /^\W{0,3}(?:i['’]?m |i am )?(?:so |very |really )?sorry\b[^.!?\n]{0,80}\b(?:can(?:no|['’])?t|unable|not able|won['’]?t)\b/iu,
  /^\W{0,3}i (?:can(?:no|['’])?t|am unable to|['’]?m unable to|am not able to|won['’]?t|must decline to) (?:help|assist|comply|provide|answer|do (?:that|this)|fulfil)/iu,
  /^\W{0,3}(?:unfortunately,? )?i (?:can(?:no|['’])?t|am unable to) (?:help|assist)/iu,
  /\bas an ai(?: language model)?,? i (?:can(?:no|['’])?t|am (?:not able|unable)|don['’]?t have)/iu,
];

const REFUSAL_WINDOW_CHARS = 300;

export function looksLikeRefusal(text: string): boolean {
  const opening = text.trimStart().slice(0, REFUSAL_WINDOW_CHARS);
  return REFUSAL_PATTERNS.some((pattern) => pattern.test(opening));
}

// One compiler for every request's schema; compiled validators are cached by the schema's text.
const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction>();
const MAX_CACHED_VALIDATORS = 256;

function validatorFor(schema: unknown): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const cached = validators.get(key);
  if (cached !== undefined) return cached;
  try {
    const validate = ajv.compile(schema as object);
    if (validators.size >= MAX_CACHED_VALIDATORS) validators.clear();
    validators.set(key, validate);
    return validate;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function checkAnswerRules(
  rules: AnswerRules,
  request: ChatRequest,
  response: ChatResponse,
): CheckResult {
  const fail = (reason: string): CheckResult => ({ check: 'rules', passed: false, reason });
  const text = response.text;
  if (rules.rejectTruncated && response.finishReason.unified === 'length')
    return fail('finish_reason is length (cut by the output limit)');
  if (response.toolCalls.length === 0 && text.trim() === '') return fail('empty answer');
  if (rules.rejectRefusals && looksLikeRefusal(text)) return fail('the answer is a refusal');

  const format = request.responseFormat?.type;
  const wantsJson = format === 'json_object' || format === 'json_schema';
  let parsed: unknown;
  if ((rules.rejectInvalidJson && wantsJson) || rules.requiredFields.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail('the answer is not valid JSON');
    }
  }
  if (rules.rejectInvalidJson && request.responseFormat?.type === 'json_schema') {
    const validate = validatorFor(request.responseFormat.schema);
    if (typeof validate === 'string') return fail(`the request's json_schema does not compile: ${validate}`);
    if (!validate(parsed)) {
      const first = validate.errors?.[0];
      return fail(`the JSON breaks the schema: ${first?.instancePath || '/'} ${first?.message ?? ''}`.trim());
    }
  }
  for (const field of rules.requiredFields) {
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, field))
      return fail(`required field "${field}" is missing`);
  }
  if (rules.pattern !== undefined && !rules.pattern.test(text))
    return fail(`the answer does not match ${String(rules.pattern)}`);
  return { check: 'rules', passed: true, reason: 'passed' };
}
