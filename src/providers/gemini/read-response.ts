/**
 * A lenient, allocation-free check of one `GenerateContentResponse`
 * (https://ai.google.dev/api/generate-content#generatecontentresponse). Gemini streams the same object
 * a whole answer is, one piece per event, so this one reader serves both; it covers only the fields the
 * decoders read, accepts null or absent for each, ignores the rest, and returns the parsed value itself
 * typed — no copy. A stream carries hundreds of these, so no schema library is used.
 */

import { newId } from '../../core/ids.ts';
import { isAbsent, isObject, optional } from '../lenient-json.ts';

export interface GeminiFunctionCall {
  readonly id?: string | null;
  readonly name: string;
  readonly args?: Readonly<Record<string, unknown>> | null;
}

export interface GeminiResponsePart {
  readonly text?: string | null;
  /** A thought summary (with `includeThoughts`), not part of the answer. */
  readonly thought?: boolean | null;
  readonly functionCall?: GeminiFunctionCall | null;
}

export interface GeminiCandidate {
  readonly index?: number | null;
  readonly content?: { readonly parts?: readonly GeminiResponsePart[] | null } | null;
  readonly finishReason?: string | null;
}

export interface GeminiUsageMetadata {
  readonly promptTokenCount?: number | null;
  readonly candidatesTokenCount?: number | null;
  readonly thoughtsTokenCount?: number | null;
  readonly cachedContentTokenCount?: number | null;
  readonly toolUsePromptTokenCount?: number | null;
}

export interface GeminiResponse {
  readonly candidates?: readonly GeminiCandidate[] | null;
  readonly promptFeedback?: { readonly blockReason?: string | null } | null;
  readonly usageMetadata?: GeminiUsageMetadata | null;
  readonly modelVersion?: string | null;
  readonly responseId?: string | null;
}

export type ResponseReading =
  { readonly response: GeminiResponse; readonly problem?: undefined } | { readonly problem: string };

const USAGE_FIELDS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'cachedContentTokenCount',
  'toolUsePromptTokenCount',
] as const;

function usageProblem(usage: unknown): string | undefined {
  if (isAbsent(usage)) return undefined;
  if (!isObject(usage)) return 'usageMetadata is not an object';
  for (const field of USAGE_FIELDS) {
    if (!optional(usage[field], 'number')) return `usageMetadata.${field} is not a number`;
  }
  return undefined;
}

function partProblem(part: unknown, where: string): string | undefined {
  if (!isObject(part)) return `${where} is not an object`;
  if (!optional(part.text, 'string')) return `${where}.text is not a string`;
  if (!optional(part.thought, 'boolean')) return `${where}.thought is not a boolean`;
  const call = part.functionCall;
  if (isAbsent(call)) return undefined;
  if (!isObject(call)) return `${where}.functionCall is not an object`;
  if (typeof call.name !== 'string') return `${where}.functionCall.name is not a string`;
  if (!optional(call.id, 'string')) return `${where}.functionCall.id is not a string`;
  if (!isAbsent(call.args) && !isObject(call.args)) return `${where}.functionCall.args is not an object`;
  return undefined;
}

function candidateProblem(candidate: unknown, where: string): string | undefined {
  if (!isObject(candidate)) return `${where} is not an object`;
  if (!optional(candidate.index, 'number')) return `${where}.index is not a number`;
  if (!optional(candidate.finishReason, 'string')) return `${where}.finishReason is not a string`;
  const content = candidate.content;
  if (isAbsent(content)) return undefined;
  if (!isObject(content)) return `${where}.content is not an object`;
  const parts = content.parts;
  if (isAbsent(parts)) return undefined;
  if (!Array.isArray(parts)) return `${where}.content.parts is not an array`;
  for (let index = 0; index < parts.length; index++) {
    const problem = partProblem(parts[index], `${where}.content.parts[${index}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

export function readResponse(json: unknown): ResponseReading {
  if (!isObject(json)) return { problem: 'the response is not a JSON object' };
  if (!optional(json.responseId, 'string')) return { problem: 'responseId is not a string' };
  if (!optional(json.modelVersion, 'string')) return { problem: 'modelVersion is not a string' };
  const candidates = json.candidates;
  if (!isAbsent(candidates)) {
    if (!Array.isArray(candidates)) return { problem: 'candidates is not an array' };
    for (let index = 0; index < candidates.length; index++) {
      const problem = candidateProblem(candidates[index], `candidates[${index}]`);
      if (problem !== undefined) return { problem };
    }
  }
  const feedback = json.promptFeedback;
  if (!isAbsent(feedback) && (!isObject(feedback) || !optional(feedback.blockReason, 'string'))) {
    return { problem: 'promptFeedback.blockReason is not a string' };
  }
  const problem = usageProblem(json.usageMetadata);
  if (problem !== undefined) return { problem };
  return { response: json };
}

/** The first candidate (the canonical request never asks for more). */
export function firstCandidate(response: GeminiResponse): GeminiCandidate | undefined {
  const candidates = response.candidates;
  if (isAbsent(candidates)) return undefined;
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index]!;
    if ((candidate.index ?? 0) === 0) return candidate;
  }
  return candidates[0];
}

/**
 * The id for a call Gemini gave none for: stable for one response (the same in a stream and a whole
 * answer) and unique across a conversation, since response ids are.
 */
export function toolCallId(
  call: GeminiFunctionCall,
  responseId: string | null | undefined,
  position: number,
): string {
  if (!isAbsent(call.id) && call.id.length > 0) return call.id;
  return isAbsent(responseId) || responseId.length === 0 ? newId('call') : `call_${responseId}_${position}`;
}
