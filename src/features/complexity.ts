/**
 * The complexity tier of a request — `trivial`, `bounded` or `extended` — from cheap features of the
 * text: how long the last user turn is, how long the conversation has run, whether it carries code or
 * maths, how many constraints it states, how much output it asks for, and how much reasoning its words
 * call for. Each feature is a small number (0–3); the score is their weighted sum and the tier is where
 * the score falls against two thresholds. No model, no tokenizer: a few regular expressions over the
 * last user turn, a few microseconds.
 *
 * Weights and thresholds are tunable (`signals.complexity` in the config); the defaults were set on the
 * labelled sanity set in complexity.test.ts. The `complexity_score` signal exposes the raw score for
 * rules that want their own cut-offs.
 */

import type { ChatRequest } from '../core/request.ts';
import { countUserTurns, lastUserTurnText } from './signals/conversation.ts';

export const COMPLEXITY_TIERS = ['trivial', 'bounded', 'extended'] as const;
export type ComplexityTier = (typeof COMPLEXITY_TIERS)[number];

export const COMPLEXITY_FEATURES = [
  'length',
  'task',
  'turns',
  'code',
  'math',
  'constraints',
  'output_size',
  'reasoning',
] as const;
export type ComplexityFeature = (typeof COMPLEXITY_FEATURES)[number];

export interface ComplexitySettings {
  readonly weights: Readonly<Record<ComplexityFeature, number>>;
  /** A score at or above this is `bounded`. */
  readonly boundedAt: number;
  /** A score at or above this is `extended`. */
  readonly extendedAt: number;
}

export const DEFAULT_COMPLEXITY: ComplexitySettings = {
  weights: {
    length: 1,
    task: 1,
    turns: 1,
    code: 1.5,
    math: 1.5,
    constraints: 1,
    output_size: 1.5,
    reasoning: 1,
  },
  boundedAt: 1.5,
  extendedAt: 4,
};

export interface ComplexityAssessment {
  readonly tier: ComplexityTier;
  readonly score: number;
  readonly features: Readonly<Record<ComplexityFeature, number>>;
}

const CODE = [
  /```/u,
  /^\s{4,}\S/mu,
  /\b(?:def|class|function|const|let|var|import|return|public|private|SELECT|INSERT|UPDATE)\b[^\n]*[({=;:]/u,
  /\b(?:Traceback|Exception|TypeError|SyntaxError|NullPointerException|segfault|stack trace)\b/u,
  /[{};]\s*$/mu,
  /\b\w+\([^)]*\)\s*(?:=>|\{)/u,
];
const MATH = [
  /\d\s*[*+/^=-]\s*\d/u,
  /\\(?:frac|sum|int|sqrt|alpha|beta|theta|lim)/u,
  /\b(?:integral|derivative|differentiate|integrate|equation|theorem|prove|proof|matrix|eigen\w*|probability|polynomial|logarithm|factorial)\b/iu,
];
/** Asking for something to be produced, rather than looked up. */
const TASK =
  /\b(?:write|draft|compose|summari[sz]e|list|create|generate|outline|rewrite|implement|build|plan)\b/iu;
const CODE_TASK = [
  /\b(?:write|implement|build|create|fix|refactor|code)\b[^.?!\n]{0,60}\b(?:functions?|scripts?|class(?:es)?|programs?|query|queries|regex|modules?|components?|endpoints?|api|services?|algorithms?|library|cli)\b/iu,
  /\b(?:write|implement|build|create|fix|refactor|code)\b[^.?!\n]{0,80}\b(?:in|using) (?:python|javascript|typescript|go|golang|rust|java|c\+\+|c#|sql|bash|kotlin|swift|ruby|php)\b/iu,
];
const CONSTRAINT =
  /\b(?:must|should not|shouldn't|do not|don't|never|always|at least|at most|no more than|exactly|only use|without using|make sure|ensure|required?|in (?:json|yaml|markdown|a table)|bullet points?|format(?:ted)? as)\b/giu;
const NUMBERED_ITEM = /^\s*(?:\d+[.)]|[-*•])\s+\S/gmu;
const LONG_OUTPUT =
  /\b(?:essay|report|article|chapter|comprehensive|in[- ]depth|in detail|detailed|thorough(?:ly)?|step[- ]by[- ]step|full (?:implementation|code|program)|complete (?:implementation|code|guide)|whitepaper|design doc(?:ument)?)\b/giu;
const WORD_COUNT_ASKED = /\b(\d{3,5})[- ]?(?:words?|lines?)\b|\b(\d{1,3})[- ]?pages?\b/iu;
const REASONING =
  /\b(?:why|explain|compare|contrast|analy[sz]e|analysis|evaluate|assess|design|architect(?:ure)?|trade-?offs?|pros and cons|optimi[sz]e|debug|refactor|plan|strategy|derive|justify|critique|implications?|reason(?:ing)?|versus|vs)\b/giu;

const SCANNED_CHARS = 16_384;

/** How many words a long-output request typically implies; ≥ this many asked for counts fully. */
const LONG_ANSWER_WORDS = 800;

export function assessComplexity(
  request: ChatRequest,
  settings: ComplexitySettings = DEFAULT_COMPLEXITY,
): ComplexityAssessment {
  const whole = lastUserTurnText(request.messages) ?? '';
  const words = countWords(whole);
  // The patterns read the opening of a very long turn only: what is asked is stated early, and a pasted
  // 100 kB document must not cost milliseconds here.
  const text = whole.length > SCANNED_CHARS ? whole.slice(0, SCANNED_CHARS) : whole;
  const turns = countUserTurns(request.messages);

  const features: Record<ComplexityFeature, number> = {
    // 20 words or fewer: nothing; doubling the length adds one, up to 3 (160+ words).
    length: clamp(Math.log2(Math.max(words, 1) / 20), 0, 3),
    task: TASK.test(text) ? 1 : 0,
    // A long conversation carries context the model must keep straight.
    turns: clamp((turns - 1) / 2, 0, 2),
    code:
      CODE.some((pattern) => pattern.test(text)) || CODE_TASK.some((pattern) => pattern.test(text)) ? 1 : 0,
    math: Math.min(2, MATH.filter((pattern) => pattern.test(text)).length),
    constraints: clamp((countMatches(CONSTRAINT, text) + countMatches(NUMBERED_ITEM, text) / 2) / 2, 0, 2),
    output_size: outputSize(text, request.maxOutputTokens),
    reasoning: clamp(countMatches(REASONING, text) * 0.75, 0, 2),
  };
  let score = 0;
  for (const feature of COMPLEXITY_FEATURES) score += settings.weights[feature] * features[feature];
  score = Math.round(score * 1000) / 1000;
  const tier: ComplexityTier =
    score >= settings.extendedAt ? 'extended' : score >= settings.boundedAt ? 'bounded' : 'trivial';
  return { tier, score, features };
}

/** 0–2: phrases that ask for long output, an explicit word or page count, or a large max_tokens. */
function outputSize(text: string, maxOutputTokens: number | undefined): number {
  let size = Math.min(1, countMatches(LONG_OUTPUT, text));
  const asked = WORD_COUNT_ASKED.exec(text);
  if (asked !== null) {
    const askedWords = asked[1] !== undefined ? Number(asked[1]) : Number(asked[2]) * 500;
    size += clamp(askedWords / LONG_ANSWER_WORDS, 0, 1);
  }
  if (maxOutputTokens !== undefined && maxOutputTokens >= 4_000) size += 1;
  return Math.min(2, size);
}

function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const space = text.charCodeAt(index) <= 32;
    if (!space && !inWord) words += 1;
    inWord = !space;
  }
  return words;
}

function countMatches(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count += 1;
  return count;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
