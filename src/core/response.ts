/** The canonical response and stream parts that every adapter produces and every encoder consumes. */

import type { GatewayError } from './errors.ts';
import type { ToolCall } from './request.ts';

/** Why generation stopped: a unified value for routing and clients, and the provider's own word. */
export interface FinishReason {
  readonly unified: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';
  readonly raw: string | null;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens). */
  readonly cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic reports these). */
  readonly cacheWriteTokens?: number;
  /** Output tokens spent on hidden reasoning (a subset of outputTokens). */
  readonly reasoningTokens?: number;
}

/** One generated token's log probability, with the most likely alternatives when they were asked for. */
export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
  /** UTF-8 bytes of the token (a token can be part of a multi-byte character); null if unknown. */
  readonly bytes: readonly number[] | null;
  readonly top: readonly {
    readonly token: string;
    readonly logprob: number;
    readonly bytes: readonly number[] | null;
  }[];
}

export interface ChatResponse {
  /** The provider's response id when it gave one. */
  readonly id: string;
  /** The model name the upstream reports having used. */
  readonly upstreamModel: string;
  readonly created: number;
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: Usage | undefined;
  /** Per-token log probabilities of `text`, when the request asked for them and the upstream gave them. */
  readonly logprobs?: readonly TokenLogprob[];
}

/**
 * A stream is a closed union of parts. Every well-formed stream ends with exactly one `finish` or one
 * `error`; a stream that ends any other way was truncated, and the adapter must say so with `error`.
 */
export type StreamPart =
  | {
      readonly type: 'stream-start';
      readonly id: string;
      readonly upstreamModel: string;
      readonly created: number;
    }
  | { readonly type: 'text-start' }
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'text-end' }
  /** Log probabilities of the text just streamed (follows the text-delta it describes). */
  | { readonly type: 'logprobs'; readonly tokens: readonly TokenLogprob[] }
  | { readonly type: 'tool-call-start'; readonly index: number; readonly id: string; readonly name: string }
  | { readonly type: 'tool-call-delta'; readonly index: number; readonly argumentsDelta: string }
  | { readonly type: 'tool-call-end'; readonly index: number }
  | { readonly type: 'usage'; readonly usage: Usage }
  | { readonly type: 'finish'; readonly finishReason: FinishReason }
  | { readonly type: 'error'; readonly error: GatewayError };

export type StreamPartType = StreamPart['type'];

/**
 * The parts decoded from one upstream network read, in order. Streams travel in batches so each stage
 * pays one await per read, not per part: a fast upstream delivers a whole answer in one or two reads.
 * A batch is never empty and never reused once the next one is asked for.
 */
export type StreamBatch = readonly StreamPart[];
