/**
 * Correctness checks of one answer against a row's expectations: exact text, a regex, a JSON Schema, or
 * a judge model's score against a rubric. The first three are free and run as answers arrive; the judge
 * is a separate model call made after the run (see judge.ts), so only its prompt and parsing live here.
 */

import { Ajv, type ValidateFunction } from 'ajv';
import type { Expectation, ExpectationKind } from './rows.ts';

/** A judge score of at least this (out of 10) counts as correct. */
export const JUDGE_PASS_SCORE = 7;

export interface CheckVerdict {
  readonly kind: ExpectationKind;
  readonly passed: boolean;
}

// One compiler for the run; rows usually share a handful of schemas, compiled once each.
const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction | undefined>();

function validatorFor(schema: Readonly<Record<string, unknown>>): ValidateFunction | undefined {
  const key = JSON.stringify(schema);
  if (validators.has(key)) return validators.get(key);
  let validate: ValidateFunction | undefined;
  try {
    validate = ajv.compile(schema);
  } catch {
    // A schema ajv cannot compile can pass no answer; the row reads as incorrect rather than crashing.
    validate = undefined;
  }
  validators.set(key, validate);
  return validate;
}

/** Exact match after trimming surrounding whitespace (models often add a trailing newline). */
export function matchesExact(answer: string, expected: string): boolean {
  return answer.trim() === expected.trim();
}

/** The pattern may match anywhere; anchor it (`^…$`) to require the whole answer. `u` is always on. */
export function matchesRegex(answer: string, pattern: string, flags = ''): boolean {
  return new RegExp(pattern, `${flags}u`).test(answer);
}

/** The answer, with an optional ```json fence removed, parses as JSON and satisfies the schema. */
export function matchesJsonSchema(answer: string, schema: Readonly<Record<string, unknown>>): boolean {
  const validate = validatorFor(schema);
  if (validate === undefined) return false;
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(answer)) as unknown;
  } catch {
    return false;
  }
  return validate(value) === true;
}

function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/u.exec(text);
  return fenced?.[1] ?? text;
}

/** Verdicts of the free checks; judge expectations are skipped (graded later, with a model call). */
export function checkAnswer(answer: string, expectations: readonly Expectation[]): CheckVerdict[] {
  const verdicts: CheckVerdict[] = [];
  for (const expectation of expectations) {
    switch (expectation.kind) {
      case 'exact':
        verdicts.push({ kind: 'exact', passed: matchesExact(answer, expectation.text) });
        break;
      case 'regex':
        verdicts.push({
          kind: 'regex',
          passed: matchesRegex(answer, expectation.pattern, expectation.flags),
        });
        break;
      case 'json_schema':
        verdicts.push({ kind: 'json_schema', passed: matchesJsonSchema(answer, expectation.schema) });
        break;
      case 'judge':
        break;
    }
  }
  return verdicts;
}

/** The judge's instructions: grade against the rubric, end with one `SCORE: n` line. */
export function judgeMessages(
  question: string,
  answer: string,
  rubric: string,
): { role: string; content: string }[] {
  return [
    {
      role: 'system',
      content:
        'You grade answers. Read the question, the rubric and the answer. Reply with a one-sentence ' +
        'justification, then a final line of the form "SCORE: n", where n is an integer from 0 (fails ' +
        'the rubric entirely) to 10 (meets it fully).',
    },
    {
      role: 'user',
      content: `Question:\n${question}\n\nRubric:\n${rubric}\n\nAnswer:\n${answer}`,
    },
  ];
}

/** The last `SCORE: n` (0–10, decimals allowed) in the judge's reply; undefined when there is none. */
export function parseJudgeScore(reply: string): number | undefined {
  const matches = [...reply.matchAll(/\bSCORE\s*[:=]\s*(\d+(?:\.\d+)?)\s*(?:\/\s*10)?/giu)];
  const last = matches.at(-1)?.[1];
  if (last === undefined) return undefined;
  const score = Number(last);
  return score >= 0 && score <= 10 ? score : undefined;
}

export function judgeVerdict(score: number): CheckVerdict {
  return { kind: 'judge', passed: score >= JUDGE_PASS_SCORE };
}

/**
 * A row's overall verdict: correct when every check that reached a verdict passed; undefined when none
 * did (no expectations, or only a judge that could not grade).
 */
export function rowCorrect(verdicts: readonly CheckVerdict[]): boolean | undefined {
  if (verdicts.length === 0) return undefined;
  return verdicts.every((verdict) => verdict.passed);
}
