/**
 * A lenient, allocation-free check of one streamed Messages event
 * (https://docs.claude.com/en/docs/build-with-claude/streaming). It covers only the fields the decoder
 * reads, ignores every other field, and returns the parsed object itself typed — no copy, no wrapper. A
 * stream carries hundreds of events per answer, so this replaces a schema library on the hot path.
 */

import { isAbsent, isObject, optional, type JsonFields } from '../lenient-json.ts';
import type { AnthropicUsage } from './convert-usage.ts';

export interface MessageStartEvent {
  readonly type: 'message_start';
  readonly message: {
    readonly id?: string | null;
    readonly model?: string | null;
    readonly usage?: AnthropicUsage | null;
  };
}

export interface ContentBlockStartEvent {
  readonly type: 'content_block_start';
  readonly index: number;
  readonly content_block: {
    readonly type: string;
    readonly id?: string | null;
    readonly name?: string | null;
    readonly text?: string | null;
  };
}

export interface ContentBlockDeltaEvent {
  readonly type: 'content_block_delta';
  readonly index: number;
  readonly delta: {
    readonly type: string;
    readonly text?: string | null;
    readonly partial_json?: string | null;
  };
}

export interface ContentBlockStopEvent {
  readonly type: 'content_block_stop';
  readonly index: number;
}

export interface MessageDeltaEvent {
  readonly type: 'message_delta';
  readonly delta?: { readonly stop_reason?: string | null } | null;
  /** Cumulative: `output_tokens` is the running total, not an increment. */
  readonly usage?: AnthropicUsage | null;
}

export type AnthropicStreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | { readonly type: 'message_stop' }
  | { readonly type: 'ping' };

/**
 * The event, typed; a string describing what is wrong with it; or undefined for an event type this
 * decoder does not know (Anthropic may add event types, and says clients should skip them).
 */
export type EventReading = AnthropicStreamEvent | string | undefined;

function usageProblem(usage: unknown, where: string): string | undefined {
  if (isAbsent(usage)) return undefined;
  if (!isObject(usage)) return `${where} is not an object`;
  if (!optional(usage.input_tokens, 'number')) return `${where}.input_tokens is not a number`;
  if (!optional(usage.output_tokens, 'number')) return `${where}.output_tokens is not a number`;
  if (!optional(usage.cache_read_input_tokens, 'number'))
    return `${where}.cache_read_input_tokens is not a number`;
  if (!optional(usage.cache_creation_input_tokens, 'number'))
    return `${where}.cache_creation_input_tokens is not a number`;
  return undefined;
}

function messageStartProblem(json: JsonFields): string | undefined {
  const message = json.message;
  if (!isObject(message)) return 'message is not an object';
  if (!optional(message.id, 'string')) return 'message.id is not a string';
  if (!optional(message.model, 'string')) return 'message.model is not a string';
  return usageProblem(message.usage, 'message.usage');
}

function blockStartProblem(json: JsonFields): string | undefined {
  if (typeof json.index !== 'number') return 'index is not a number';
  const block = json.content_block;
  if (!isObject(block)) return 'content_block is not an object';
  if (typeof block.type !== 'string') return 'content_block.type is not a string';
  if (!optional(block.text, 'string')) return 'content_block.text is not a string';
  if (!optional(block.id, 'string')) return 'content_block.id is not a string';
  if (block.type === 'tool_use' && typeof block.name !== 'string')
    return 'content_block.name is not a string';
  return undefined;
}

function blockDeltaProblem(json: JsonFields): string | undefined {
  if (typeof json.index !== 'number') return 'index is not a number';
  const delta = json.delta;
  if (!isObject(delta)) return 'delta is not an object';
  if (typeof delta.type !== 'string') return 'delta.type is not a string';
  if (!optional(delta.text, 'string')) return 'delta.text is not a string';
  if (!optional(delta.partial_json, 'string')) return 'delta.partial_json is not a string';
  return undefined;
}

function messageDeltaProblem(json: JsonFields): string | undefined {
  const delta = json.delta;
  if (!isAbsent(delta) && (!isObject(delta) || !optional(delta.stop_reason, 'string')))
    return 'delta.stop_reason is not a string';
  return usageProblem(json.usage, 'usage');
}

/** Checks a parsed event; `error` events are recognised by the caller before this. */
export function readEvent(json: unknown): EventReading {
  if (!isObject(json)) return 'the event is not a JSON object';
  let problem: string | undefined;
  switch (json.type) {
    case 'content_block_delta':
      problem = blockDeltaProblem(json);
      break;
    case 'content_block_start':
      problem = blockStartProblem(json);
      break;
    case 'content_block_stop':
      problem = typeof json.index === 'number' ? undefined : 'index is not a number';
      break;
    case 'message_start':
      problem = messageStartProblem(json);
      break;
    case 'message_delta':
      problem = messageDeltaProblem(json);
      break;
    case 'message_stop':
    case 'ping':
      break;
    default:
      return typeof json.type === 'string' ? undefined : 'type is not a string';
  }
  return problem ?? (json as unknown as AnthropicStreamEvent);
}
