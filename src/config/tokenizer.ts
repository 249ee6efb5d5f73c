import type { TokenizerFamily } from '../core/model.ts';

/** Model name prefixes (after any `vendor/` prefix) and the tokenizer family OpenAI documents for them. */
const FAMILY_BY_PREFIX: readonly (readonly [RegExp, TokenizerFamily])[] = [
  [/^(chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[134](-|$))/, 'o200k'],
  [/^(gpt-4|gpt-3\.5)/, 'cl100k'],
];

/** The tokenizer family for a model name; `estimate` (a characters-per-token heuristic) when unknown. */
export function inferTokenizer(modelName: string): TokenizerFamily {
  const baseName = modelName.slice(modelName.lastIndexOf('/') + 1).toLowerCase();
  return FAMILY_BY_PREFIX.find(([pattern]) => pattern.test(baseName))?.[1] ?? 'estimate';
}
