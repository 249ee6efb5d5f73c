/**
 * What the simulated model says: deterministic for a given (simulator seed, model, messages), so a test or
 * a benchmark can replay it exactly. The answer is built token by token, which is how its usage is counted.
 *
 * Rules, in order:
 * - Tool calls when tools are given and tool_choice is `required` or names a function, or is `auto` (the
 *   default) and the last message is a user message that mentions a tool's name (`get_weather` or
 *   `get weather`). `required` with no mention calls the first tool; `auto` may call every mentioned tool
 *   unless parallel_tool_calls is false.
 * - Otherwise JSON for response_format json_object / json_schema, else English prose (or the model
 *   profile's fixed `reply`).
 * - The natural length is drawn from a seeded log-normal (median ~90 tokens). A cap (max_tokens) shorter
 *   than that cuts the answer with finish_reason `length`; stop sequences then cut the text before the
 *   first match with finish_reason `stop`.
 */

import { sampleFromSchema } from './json-schema.ts';
import { createRandom, hashString, mixSeeds, pick, standardNormal, type Random } from './random.ts';
import type { SimCompletion, SimFinishReason, SimPrompt, SimStep, SimTool } from './types.ts';
import { appendSentence, VALUE_WORDS } from './vocabulary.ts';

/** Natural prose length: log-normal with this median (tokens) and spread, clamped to the bounds. */
const PROSE_MEDIAN_TOKENS = 90;
const PROSE_SIGMA = 0.6;
const PROSE_MIN_TOKENS = 12;
const PROSE_MAX_TOKENS = 1200;

/** Pieces that approximate BPE tokens for JSON: words and digit runs (with a leading space), punctuation. */
const TOKEN_PATTERN = /\s?[A-Za-z]+|\s?\d{1,3}|\s?[^\sA-Za-z\d]{1,2}|\s+/g;

export function splitIntoTokens(text: string): string[] {
  return text.match(TOKEN_PATTERN) ?? [];
}

/** Texts longer than this are hashed by their length and both ends: hashing a 4 MB prompt whole costs ~10 ms. */
const HASH_WHOLE_LIMIT = 65_536;
const HASH_END_CHARS = 16_384;

function hashText(text: string, hash: number): number {
  if (text.length <= HASH_WHOLE_LIMIT) return hashString(text, hash);
  const ends = hashString(text.slice(-HASH_END_CHARS), hashString(text.slice(0, HASH_END_CHARS), hash));
  return mixSeeds(ends, text.length);
}

export function contentSeed(seed: number, prompt: SimPrompt): number {
  let hash = hashString(prompt.model);
  for (const message of prompt.messages) {
    hash = hashString(message.role, hash);
    hash = hashText(message.text, hash);
  }
  return mixSeeds(seed, hash);
}

function lastMessageMentions(prompt: SimPrompt, tool: SimTool): boolean {
  const last = prompt.messages.at(-1);
  if (last === undefined || last.role !== 'user') return false;
  const text = last.text.toLowerCase();
  const name = tool.name.toLowerCase();
  return text.includes(name) || text.includes(name.replaceAll('_', ' '));
}

export function chooseTools(prompt: SimPrompt): readonly SimTool[] {
  if (prompt.tools.length === 0) return [];
  const choice = prompt.toolChoice;
  switch (choice.kind) {
    case 'none':
      return [];
    case 'function': {
      const named = prompt.tools.find((tool) => tool.name === choice.name);
      return named === undefined ? [] : [named];
    }
    case 'required':
    case 'auto': {
      const mentioned = prompt.tools.filter((tool) => lastMessageMentions(prompt, tool));
      const chosen = mentioned.length > 0 || choice.kind === 'auto' ? mentioned : prompt.tools.slice(0, 1);
      return prompt.parallelToolCalls ? chosen : chosen.slice(0, 1);
    }
  }
}

function naturalLength(random: Random): number {
  const length = Math.round(PROSE_MEDIAN_TOKENS * Math.exp(PROSE_SIGMA * standardNormal(random)));
  return Math.min(PROSE_MAX_TOKENS, Math.max(PROSE_MIN_TOKENS, length));
}

function proseTokens(random: Random): string[] {
  const target = naturalLength(random);
  const tokens: string[] = [];
  while (tokens.length < target) appendSentence(random, tokens);
  return tokens;
}

function jsonTokens(prompt: SimPrompt, random: Random): string[] {
  const format = prompt.responseFormat;
  const value =
    format.kind === 'json_schema'
      ? sampleFromSchema(format.schema, random)
      : {
          answer: proseTokens(random).slice(0, 12).join('').trim(),
          topic: pick(random, VALUE_WORDS),
          confidence: 0.82,
        };
  return splitIntoTokens(JSON.stringify(value));
}

function toolCallSteps(tools: readonly SimTool[], random: Random): SimStep[] {
  const steps: SimStep[] = [];
  tools.forEach((tool, index) => {
    const id = `call_${Math.floor(random() * 2 ** 32).toString(36)}${Math.floor(random() * 2 ** 32).toString(36)}`;
    steps.push({ kind: 'tool-start', index, id, name: tool.name });
    for (const text of splitIntoTokens(JSON.stringify(sampleFromSchema(tool.parameters, random)))) {
      steps.push({ kind: 'tool-arguments', index, text });
    }
  });
  return steps;
}

/** Cut text steps just before the earliest stop sequence; returns how many steps were generated. */
function applyStop(steps: SimStep[], stop: readonly string[]): number | undefined {
  let text = '';
  const starts: number[] = [];
  for (const step of steps) {
    starts.push(text.length);
    if (step.kind === 'text') text += step.text;
  }
  let matchStart = -1;
  let matchEnd = -1;
  for (const sequence of stop) {
    if (sequence.length === 0) continue;
    const found = text.indexOf(sequence);
    if (found !== -1 && (matchStart === -1 || found < matchStart)) {
      matchStart = found;
      matchEnd = found + sequence.length;
    }
  }
  if (matchStart === -1) return undefined;
  // The model generated every token up to the one that completed the stop sequence.
  const generated = starts.findLastIndex((start) => start < matchEnd) + 1;
  let keep = starts.findLastIndex((start) => start < matchStart);
  const partial = steps[keep];
  if (partial?.kind === 'text') {
    const head = partial.text.slice(0, matchStart - (starts[keep] ?? 0));
    if (head.length > 0) steps[keep] = { kind: 'text', text: head };
    else keep -= 1;
  }
  steps.length = keep + 1;
  return generated;
}

export function generateCompletion(
  prompt: SimPrompt,
  seed: number,
  promptTokens: number,
  /** A profile's fixed answer, used for plain-text answers instead of generated prose. */
  reply?: string,
): SimCompletion {
  const random = createRandom(contentSeed(seed, prompt));
  const tools = chooseTools(prompt);
  let steps: SimStep[];
  let finishReason: SimFinishReason;
  if (tools.length > 0) {
    steps = toolCallSteps(tools, random);
    finishReason = 'tool_calls';
  } else {
    const tokens =
      prompt.responseFormat.kind !== 'text'
        ? jsonTokens(prompt, random)
        : reply === undefined
          ? proseTokens(random)
          : splitIntoTokens(reply);
    steps = tokens.map((text) => ({ kind: 'text', text }));
    finishReason = 'stop';
  }
  if (prompt.maxTokens !== undefined && steps.length > prompt.maxTokens) {
    steps.length = prompt.maxTokens;
    finishReason = 'length';
  }
  let completionTokens = steps.length;
  if (finishReason !== 'tool_calls' && prompt.stop.length > 0) {
    const generated = applyStop(steps, prompt.stop);
    if (generated !== undefined) {
      completionTokens = generated;
      finishReason = 'stop';
    }
  }
  return { steps, finishReason, promptTokens, completionTokens };
}
