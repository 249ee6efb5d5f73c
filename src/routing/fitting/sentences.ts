/**
 * Sentence splitting and sentence-aligned trimming, for fitting a prompt into a context window.
 *
 * Splitting is ICU's sentence segmentation (`Intl.Segmenter`), which is language-neutral: the same rules
 * end sentences at `.`, `?`, `!`, `。`, `？`, `।`, `؟` and at line breaks, and leave decimals (3.5%), file
 * names and URLs alone. Three of its splits are undone here: V8 does not ship ICU's abbreviation
 * suppressions (`en-u-ss-standard` resolves to plain `en`), so a title or initial before a capitalised word
 * is split off ("Dr. | Smith", "John F. | Kennedy"); a numbered list marker is split from its item ("1. |
 * Page…"); and after `?` or `!` ICU breaks even before a lower-case word ('"Really?" | she asked'). Left
 * as ICU has them: a dotted acronym before a capital splits ("the U.S. | Army" — it may as well end a
 * sentence), and U+2026 `…` never ends a sentence (three dots do).
 */

export type KeepEnd = 'start' | 'end';

/**
 * How a text was shortened: `none` (it fitted whole), `sentence` (whole sentences were dropped), or `word`
 * (even the one sentence at the kept end exceeded the budget, so it was cut between words).
 */
export type TextCut = 'none' | 'sentence' | 'word';

export interface TrimmedText {
  /** The kept text: a contiguous slice of the input, without whitespace at the cut. */
  readonly text: string;
  readonly tokens: number;
  readonly cut: TextCut;
}

export type TokenCounter = (text: string) => number;

/** Titles that precede a name, and Latin abbreviations that never end a sentence. */
const NON_FINAL_ABBREVIATIONS = new Set([
  'Mr',
  'Mrs',
  'Ms',
  'Mx',
  'Dr',
  'Prof',
  'Rev',
  'Hon',
  'Sen',
  'Rep',
  'Gov',
  'Gen',
  'Col',
  'Capt',
  'Lt',
  'Sgt',
  'St',
  'Mt',
  'vs',
  'cf',
  'e.g',
  'i.e',
]);
/** The word before a segment's final period, e.g. `Dr` in "… met Dr. ". */
const FINAL_ABBREVIATION = /(?:^|[\s([{"'“‘])([\p{L}.]+)\.\s*$/u;
const SINGLE_CAPITAL = /^\p{Lu}$/u;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const STARTS_LOWER_CASE = /^\p{Ll}/u;
/** A numbered list item's marker, alone in its segment ("1. " before "Page the on-call engineer."). */
const LIST_MARKER = /^\s*\d{1,3}\.\s*$/;

const segmenters = new Map<string, { sentences: Intl.Segmenter; words: Intl.Segmenter }>();

function segmentersFor(locale: string): { sentences: Intl.Segmenter; words: Intl.Segmenter } {
  let pair = segmenters.get(locale);
  if (pair === undefined) {
    pair = {
      sentences: new Intl.Segmenter(locale, { granularity: 'sentence' }),
      words: new Intl.Segmenter(locale, { granularity: 'word' }),
    };
    segmenters.set(locale, pair);
  }
  return pair;
}

/** ICU split inside a sentence: after a title, initial or list number, or before a lower-case word. */
function splitMidSentence(segment: string, next: string): boolean {
  if (LINE_BREAK.test(segment.slice(segment.trimEnd().length))) return false;
  // After `?` or `!` ICU breaks even before lower case ("Really?" she asked), unlike after `.`.
  if (STARTS_LOWER_CASE.test(next)) return true;
  if (LIST_MARKER.test(segment)) return true;
  const word = FINAL_ABBREVIATION.exec(segment)?.[1];
  return word !== undefined && (NON_FINAL_ABBREVIATIONS.has(word) || SINGLE_CAPITAL.test(word));
}

/**
 * The text's sentences, each with the whitespace that follows it; joined, they give back the text exactly.
 * Line breaks end sentences, so list items and blank lines come out as sentences of their own.
 */
export function splitSentences(text: string, locale = 'en'): string[] {
  const segments = Array.from(segmentersFor(locale).sentences.segment(text), ({ segment }) => segment);
  const sentences: string[] = [];
  let pending = '';
  segments.forEach((segment, index) => {
    pending += segment;
    const next = segments[index + 1];
    if (next === undefined || !splitMidSentence(pending, next)) {
      sentences.push(pending);
      pending = '';
    }
  });
  return sentences;
}

/**
 * Keeps as much of the text as fits in `maxTokens`, in whole sentences, from its start (instructions,
 * whose opening matters most) or its end (conversation, whose latest part matters most). Only when the one
 * sentence at the kept end alone exceeds the budget is it cut, between words, and the result says so
 * (`cut: 'word'`); when not even one word fits, the text is empty.
 */
export function trimToTokens(
  text: string,
  maxTokens: number,
  count: TokenCounter,
  keep: KeepEnd,
): TrimmedText {
  const whole = count(text);
  if (whole <= maxTokens) return { text, tokens: whole, cut: 'none' };
  if (maxTokens <= 0) return { text: '', tokens: 0, cut: 'sentence' };

  // Sentence boundaries inside the text, and the cuts there ordered from the least kept to the most kept.
  const boundaries: number[] = [];
  let offset = 0;
  for (const sentence of splitSentences(text).slice(0, -1)) {
    offset += sentence.length;
    boundaries.push(offset);
  }
  const sentenceCuts = keep === 'start' ? boundaries : boundaries.toReversed();
  const bySentence = keepMost(text, sentenceCuts, keep, maxTokens, count);
  if (bySentence !== undefined) return { ...bySentence, cut: 'sentence' };

  // Not even one sentence fits: cut the sentence at the kept end between words.
  const sentenceStart = keep === 'start' ? 0 : (boundaries.at(-1) ?? 0);
  const sentenceEnd = keep === 'start' ? (boundaries[0] ?? text.length) : text.length;
  const wordCuts: number[] = [];
  for (const word of segmentersFor('en').words.segment(text.slice(sentenceStart, sentenceEnd))) {
    if (!(word.isWordLike ?? false)) continue;
    const start = sentenceStart + word.index;
    wordCuts.push(keep === 'start' ? start + word.segment.length : start);
  }
  if (keep === 'end') wordCuts.reverse();
  const byWord = keepMost(text, wordCuts, keep, maxTokens, count);
  return byWord === undefined ? { text: '', tokens: 0, cut: 'word' } : { ...byWord, cut: 'word' };
}

/**
 * The cut that keeps the most text within the budget, by bisection over cuts ordered from least to most
 * kept (a longer slice of the same text never has fewer tokens, near enough; every answer is counted).
 */
function keepMost(
  text: string,
  cuts: readonly number[],
  keep: KeepEnd,
  maxTokens: number,
  count: TokenCounter,
): { text: string; tokens: number } | undefined {
  const slice = (cut: number): string =>
    keep === 'start' ? text.slice(0, cut).trimEnd() : text.slice(cut).trimStart();
  let best: { text: string; tokens: number } | undefined;
  let low = 0;
  let high = cuts.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const kept = slice(cuts[middle]!);
    const tokens = count(kept);
    if (tokens <= maxTokens) {
      if (kept !== '') best = { text: kept, tokens };
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}
