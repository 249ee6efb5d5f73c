/**
 * A lenient, allocation-free check of one streamed `chat.completion.chunk`. It covers only the fields
 * the decoder reads, accepts null or absent for each (compatible servers differ), ignores every other
 * field, and returns the parsed object itself typed — no copy. A stream carries hundreds of these per
 * answer, so this replaces a schema library on the hot path; whole responses still use zod.
 */

import { isAbsent, isObject, optional } from '../lenient-json.ts';
import type { OpenAIUsage } from './convert-usage.ts';

export interface OpenAIToolCallDelta {
  readonly index?: number | null;
  readonly id?: string | null;
  readonly function?: { readonly name?: string | null; readonly arguments?: string | null } | null;
}

export interface OpenAIChunkChoice {
  readonly index?: number | null;
  readonly delta?: {
    readonly content?: string | null;
    readonly tool_calls?: readonly OpenAIToolCallDelta[] | null;
  } | null;
  readonly finish_reason?: string | null;
  /** Checked when read (convert-logprobs.ts): only requests that ask for them get them. */
  readonly logprobs?: unknown;
}

export interface OpenAIChunk {
  readonly id?: string | null;
  readonly created?: number | null;
  readonly model?: string | null;
  readonly choices?: readonly OpenAIChunkChoice[] | null;
  readonly usage?: OpenAIUsage | null;
}

export type ChunkReading =
  { readonly chunk: OpenAIChunk; readonly problem?: undefined } | { readonly problem: string };

function usageProblem(usage: unknown): string | undefined {
  if (isAbsent(usage)) return undefined;
  if (!isObject(usage)) return 'usage is not an object';
  if (!optional(usage.prompt_tokens, 'number')) return 'usage.prompt_tokens is not a number';
  if (!optional(usage.completion_tokens, 'number')) return 'usage.completion_tokens is not a number';
  const promptDetails = usage.prompt_tokens_details;
  if (
    !isAbsent(promptDetails) &&
    (!isObject(promptDetails) || !optional(promptDetails.cached_tokens, 'number'))
  ) {
    return 'usage.prompt_tokens_details.cached_tokens is not a number';
  }
  const completionDetails = usage.completion_tokens_details;
  if (
    !isAbsent(completionDetails) &&
    (!isObject(completionDetails) || !optional(completionDetails.reasoning_tokens, 'number'))
  ) {
    return 'usage.completion_tokens_details.reasoning_tokens is not a number';
  }
  return undefined;
}

function toolCallProblem(call: unknown, where: string): string | undefined {
  if (!isObject(call)) return `${where} is not an object`;
  if (!optional(call.index, 'number')) return `${where}.index is not a number`;
  if (!optional(call.id, 'string')) return `${where}.id is not a string`;
  const fn = call.function;
  if (isAbsent(fn)) return undefined;
  if (!isObject(fn)) return `${where}.function is not an object`;
  if (!optional(fn.name, 'string')) return `${where}.function.name is not a string`;
  if (!optional(fn.arguments, 'string')) return `${where}.function.arguments is not a string`;
  return undefined;
}

function choiceProblem(choice: unknown, where: string): string | undefined {
  if (!isObject(choice)) return `${where} is not an object`;
  if (!optional(choice.index, 'number')) return `${where}.index is not a number`;
  if (!optional(choice.finish_reason, 'string')) return `${where}.finish_reason is not a string`;
  const delta = choice.delta;
  if (isAbsent(delta)) return undefined;
  if (!isObject(delta)) return `${where}.delta is not an object`;
  if (!optional(delta.content, 'string')) return `${where}.delta.content is not a string`;
  const toolCalls = delta.tool_calls;
  if (isAbsent(toolCalls)) return undefined;
  if (!Array.isArray(toolCalls)) return `${where}.delta.tool_calls is not an array`;
  for (let index = 0; index < toolCalls.length; index++) {
    const problem = toolCallProblem(toolCalls[index], `${where}.delta.tool_calls[${index}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

export function readChunk(json: unknown): ChunkReading {
  if (!isObject(json)) return { problem: 'the chunk is not a JSON object' };
  if (!optional(json.id, 'string')) return { problem: 'id is not a string' };
  if (!optional(json.created, 'number')) return { problem: 'created is not a number' };
  if (!optional(json.model, 'string')) return { problem: 'model is not a string' };
  const choices = json.choices;
  if (!isAbsent(choices)) {
    if (!Array.isArray(choices)) return { problem: 'choices is not an array' };
    for (let index = 0; index < choices.length; index++) {
      const problem = choiceProblem(choices[index], `choices[${index}]`);
      if (problem !== undefined) return { problem };
    }
  }
  const problem = usageProblem(json.usage);
  if (problem !== undefined) return { problem };
  return { chunk: json };
}
