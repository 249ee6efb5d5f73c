import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../../features/tokens.ts';
import { splitSentences, trimToTokens } from './sentences.ts';

const countO200k = (text: string): number => countTextTokens(text, 'o200k');

/** Splits and checks that nothing was lost, then returns the sentences without their trailing spaces. */
function sentencesOf(text: string): string[] {
  const sentences = splitSentences(text);
  expect(sentences.join('')).toBe(text);
  return sentences.map((sentence) => sentence.trimEnd());
}

describe('splitSentences on real text', () => {
  it('keeps titles, initials, Latin abbreviations and decimals inside their sentences', () => {
    const text =
      'Dr. Okafor presented the quarterly figures on Tuesday. Revenue in the U.S. rose by 3.5% while costs ' +
      'fell, e.g. freight and warehousing. Mr. and Mrs. Lindqvist, who run the Oslo office, were less ' +
      'cheerful. Their report cited J. R. Hartley and Prof. Ana Ruiz on currency risk, i.e. the weak krone ' +
      'vs. the dollar. Margins held at 12.25 percent.';
    expect(sentencesOf(text)).toEqual([
      'Dr. Okafor presented the quarterly figures on Tuesday.',
      'Revenue in the U.S. rose by 3.5% while costs fell, e.g. freight and warehousing.',
      'Mr. and Mrs. Lindqvist, who run the Oslo office, were less cheerful.',
      'Their report cited J. R. Hartley and Prof. Ana Ruiz on currency risk, i.e. the weak krone vs. the dollar.',
      'Margins held at 12.25 percent.',
    ]);
  });

  it('ends sentences at questions, exclamations, closing quotes and spaced ellipses', () => {
    const text =
      'Would the migration finish before Friday? Nobody could say! The lead wrote, "We ship when it is ' +
      'ready." Then she went quiet... The next morning the dashboard was green. "Is that real?" asked ' +
      'Sam. It was.';
    expect(sentencesOf(text)).toEqual([
      'Would the migration finish before Friday?',
      'Nobody could say!',
      'The lead wrote, "We ship when it is ready."',
      'Then she went quiet...',
      'The next morning the dashboard was green.',
      '"Is that real?" asked Sam.',
      'It was.',
    ]);
  });

  it('does not end a sentence at an ellipsis followed by lower case, nor at U+2026 (ICU)', () => {
    expect(sentencesOf('We waited... and waited. Then… Nothing happened.')).toEqual([
      'We waited... and waited.',
      'Then… Nothing happened.',
    ]);
  });

  it('treats line breaks as sentence ends, so list items and blank lines stand alone', () => {
    const text =
      'Before deploying, check three things:\n' +
      '- the migrations ran\n' +
      '- the cache is warm\n' +
      '1. Page the on-call engineer.\n' +
      '\n' +
      'After that, wait.';
    expect(splitSentences(text)).toEqual([
      'Before deploying, check three things:\n',
      '- the migrations ran\n',
      '- the cache is warm\n',
      '1. Page the on-call engineer.\n',
      '\n',
      'After that, wait.',
    ]);
  });

  it('does not join across a line break after an abbreviation', () => {
    expect(sentencesOf('Signed, Dr.\nThe committee')).toEqual(['Signed, Dr.', 'The committee']);
    expect(sentencesOf('Is it done?\nnot yet')).toEqual(['Is it done?', 'not yet']);
  });

  it('splits Japanese, Chinese, Hindi, Arabic and Russian at their own punctuation', () => {
    expect(sentencesOf('東京は今日も晴れです。明日は雨が降るでしょう。傘を持っていきますか？はい！')).toEqual(
      ['東京は今日も晴れです。', '明日は雨が降るでしょう。', '傘を持っていきますか？', 'はい！'],
    );
    expect(sentencesOf('会议推迟到下周。请通知大家！')).toEqual(['会议推迟到下周。', '请通知大家！']);
    expect(sentencesOf('बैठक कल है। क्या आप आएँगे?')).toEqual(['बैठक कल है।', 'क्या आप आएँगे?']);
    expect(sentencesOf('الاجتماع غدا. هل ستحضر؟ نعم.')).toEqual(['الاجتماع غدا.', 'هل ستحضر؟', 'نعم.']);
    expect(sentencesOf('А. С. Пушкин родился в Москве. Он писал стихи.')).toEqual([
      'А. С. Пушкин родился в Москве.',
      'Он писал стихи.',
    ]);
  });

  it('leaves a dotted acronym before a capital as ICU splits it (it may end a sentence)', () => {
    expect(sentencesOf('She moved to the U.S. Then she started over.')).toEqual([
      'She moved to the U.S.',
      'Then she started over.',
    ]);
  });

  it('returns nothing for empty text and one sentence for text without a terminator', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('no terminator here')).toEqual(['no terminator here']);
  });
});

const REPORT =
  'The incident began at 02:14 UTC. A config push doubled the connection pool size. Databases in two ' +
  'regions hit their limits within minutes. Dr. Chen rolled the change back at 02:41. Error rates returned ' +
  'to 0.2% by 03:00.';

describe('trimToTokens', () => {
  it('returns the text whole when it fits', () => {
    const tokens = countO200k(REPORT);
    expect(trimToTokens(REPORT, tokens, countO200k, 'start')).toEqual({ text: REPORT, tokens, cut: 'none' });
  });

  it('keeps whole sentences from the start or from the end, within the budget', () => {
    const firstTwo = 'The incident began at 02:14 UTC. A config push doubled the connection pool size.';
    const lastTwo = 'Dr. Chen rolled the change back at 02:41. Error rates returned to 0.2% by 03:00.';
    const fromStart = trimToTokens(REPORT, countO200k(firstTwo), countO200k, 'start');
    expect(fromStart).toEqual({ text: firstTwo, tokens: countO200k(firstTwo), cut: 'sentence' });
    const fromEnd = trimToTokens(REPORT, countO200k(lastTwo) + 3, countO200k, 'end');
    expect(fromEnd).toEqual({ text: lastTwo, tokens: countO200k(lastTwo), cut: 'sentence' });
  });

  it('cuts between words only when the one sentence at the kept end alone is too long', () => {
    const text = 'Short opener. ' + 'The final sentence is a long one that rambles on about many things';
    const fromEnd = trimToTokens(text, 5, countO200k, 'end');
    expect(fromEnd.cut).toBe('word');
    expect(fromEnd.tokens).toBeLessThanOrEqual(5);
    expect(text.endsWith(fromEnd.text)).toBe(true);
    expect(fromEnd.text).toMatch(/^\p{L}/u);
    // "Short opener." is three tokens; without its period it is two.
    expect(countO200k('Short opener.')).toBe(3);
    const fromStart = trimToTokens(text, 2, countO200k, 'start');
    expect(fromStart).toEqual({ text: 'Short opener', tokens: 2, cut: 'word' });
  });

  it('cuts Japanese between words, not characters at random', () => {
    const text = '東京は今日も晴れです。';
    const trimmed = trimToTokens(text, 3, countO200k, 'start');
    expect(trimmed.cut).toBe('word');
    expect(trimmed.tokens).toBeLessThanOrEqual(3);
    expect(['東京', '東京は', '東京は今日', '東京は今日も']).toContain(trimmed.text);
  });

  it('keeps nothing when the budget is zero or not even a word fits', () => {
    expect(trimToTokens(REPORT, 0, countO200k, 'end')).toEqual({ text: '', tokens: 0, cut: 'sentence' });
    expect(trimToTokens('x'.repeat(400), 3, countO200k, 'end')).toEqual({ text: '', tokens: 0, cut: 'word' });
  });
});
