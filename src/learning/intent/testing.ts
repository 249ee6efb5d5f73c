/**
 * Synthetic intent data for tests: each intent has its own keywords, mixed with filler words shared by
 * all, so a model that learns the keywords separates them; out-of-scope texts use words no intent has.
 */

import { seededRandom } from './linear-svm.ts';
import type { LabelledText } from './training-data.ts';

export const SYNTHETIC_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  weather: ['weather', 'forecast', 'rain', 'sunny', 'temperature', 'umbrella', 'snow'],
  music: ['play', 'song', 'music', 'playlist', 'album', 'track', 'artist'],
  banking: ['balance', 'account', 'transfer', 'money', 'bank', 'deposit', 'savings'],
  timer: ['timer', 'alarm', 'minutes', 'remind', 'wake', 'countdown', 'clock'],
};

const FILLER = [
  'please',
  'can',
  'you',
  'the',
  'my',
  'what',
  'is',
  'for',
  'me',
  'now',
  'tell',
  'a',
  'i',
  'want',
];
const UNRELATED = ['giraffe', 'volcano', 'poetry', 'knitting', 'chess', 'origami', 'pyramid', 'dinosaur'];

function utterance(keywords: readonly string[], random: () => number): string {
  const pick = (words: readonly string[]): string => words[Math.floor(random() * words.length)] ?? '';
  const words = [
    pick(keywords),
    pick(keywords),
    ...Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(FILLER)),
  ];
  for (let index = words.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [words[index], words[other]] = [words[other] ?? '', words[index] ?? ''];
  }
  return words.join(' ');
}

/** `perIntent` rows of every synthetic intent, reproducible from `seed`. */
export function syntheticRows(perIntent: number, seed: number): LabelledText[] {
  const random = seededRandom(seed);
  return Object.entries(SYNTHETIC_KEYWORDS).flatMap(([label, keywords]) =>
    Array.from({ length: perIntent }, () => ({ text: utterance(keywords, random), label })),
  );
}

/** Out-of-scope texts (labelled `oos`), reproducible from `seed`. */
export function syntheticOutOfScope(count: number, seed: number): LabelledText[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({ text: utterance(UNRELATED, random), label: 'oos' }));
}
