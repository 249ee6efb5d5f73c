/**
 * A small vocabulary and sentence grammar for simulated prose. Every word is a common English word that
 * the o200k tokenizer encodes as a single token when preceded by a space, so "one word, one token" keeps
 * the simulator's usage figures honest without running a tokenizer on its own output.
 */

import { pick, type Random } from './random.ts';

const DETERMINERS: readonly string[] = wordList('the a every each this that our your their one');

const ADJECTIVES: readonly string[] = wordList(
  'careful quick simple clear small large new old steady bright quiet useful strong light early final main local common open fair calm',
);

const NOUNS: readonly string[] = wordList(
  'team system answer question model plan report idea market river city garden program result change process window letter story engine signal road school method record design detail request server budget project',
);

const VERBS: readonly string[] = wordList(
  'finds builds keeps shows takes makes sends moves reads writes checks follows changes holds brings opens explains improves supports describes',
);

const ADVERBS: readonly string[] = wordList('quickly often always rarely clearly slowly usually simply');

const PREPOSITIONS: readonly string[] = wordList('in on with for from about after before near under');

const CONJUNCTIONS: readonly string[] = wordList('and but while because so');

/** Words for short generated strings (JSON values, tool arguments). */
export const VALUE_WORDS: readonly string[] = [...ADJECTIVES, ...NOUNS];

function wordList(list: string): readonly string[] {
  return list.split(' ');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function appendClause(random: Random, words: string[]): void {
  words.push(pick(random, DETERMINERS));
  if (random() < 0.6) words.push(pick(random, ADJECTIVES));
  words.push(pick(random, NOUNS));
  if (random() < 0.3) words.push(pick(random, ADVERBS));
  words.push(pick(random, VERBS), pick(random, DETERMINERS));
  if (random() < 0.5) words.push(pick(random, ADJECTIVES));
  words.push(pick(random, NOUNS));
  if (random() < 0.5) words.push(pick(random, PREPOSITIONS), pick(random, DETERMINERS), pick(random, NOUNS));
}

/**
 * Append one sentence as tokens: the first word of the answer has no leading space, every later word
 * carries one (as BPE tokens do), and the closing period and any comma are tokens of their own.
 */
export function appendSentence(random: Random, tokens: string[]): void {
  const words: string[] = [];
  appendClause(random, words);
  const hasSecondClause = random() < 0.35;
  const firstClauseLength = words.length;
  if (hasSecondClause) {
    words.push(pick(random, CONJUNCTIONS));
    appendClause(random, words);
  }
  for (let index = 0; index < words.length; index++) {
    const word = index === 0 ? capitalise(words[index] ?? '') : (words[index] ?? '');
    tokens.push(tokens.length === 0 ? word : ` ${word}`);
    if (hasSecondClause && index === firstClauseLength - 1) tokens.push(',');
  }
  tokens.push('.');
}
