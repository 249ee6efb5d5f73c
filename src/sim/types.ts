/**
 * The simulator's wire-neutral model of a request, its answer and its failures. Each wire format
 * (src/sim/wire/*) decodes into `SimPrompt` and encodes `SimCompletion` / `SimError`; content, latency
 * and fault logic never see a vendor's field names.
 */

export type SimJsonSchema = Readonly<Record<string, unknown>>;

export interface SimMessage {
  readonly role: string;
  /** All text parts joined; what the content generator hashes and the token counter counts. */
  readonly text: string;
  /** Non-text parts (images), counted at a flat token cost. */
  readonly imageCount: number;
}

export interface SimTool {
  readonly name: string;
  readonly parameters: SimJsonSchema;
}

export type SimToolChoice =
  | { readonly kind: 'auto' }
  | { readonly kind: 'none' }
  | { readonly kind: 'required' }
  | { readonly kind: 'function'; readonly name: string };

export type SimResponseFormat =
  | { readonly kind: 'text' }
  | { readonly kind: 'json_object' }
  | { readonly kind: 'json_schema'; readonly schema: SimJsonSchema };

export interface SimPrompt {
  readonly model: string;
  readonly messages: readonly SimMessage[];
  readonly tools: readonly SimTool[];
  readonly toolChoice: SimToolChoice;
  readonly parallelToolCalls: boolean;
  readonly responseFormat: SimResponseFormat;
  /** The client's output cap, if any. */
  readonly maxTokens: number | undefined;
  readonly stop: readonly string[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  /** Alternatives per token when log probabilities were asked for (formats that have them); else absent. */
  readonly logprobs?: number;
  /** Extra prompt tokens the wire format adds (tool definitions, schemas), already counted. */
  readonly overheadText: string;
}

/** One generated token: a piece of text, the start of a tool call (its name), or a piece of its arguments. */
export type SimStep =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool-start'; readonly index: number; readonly id: string; readonly name: string }
  | { readonly kind: 'tool-arguments'; readonly index: number; readonly text: string };

export type SimFinishReason = 'stop' | 'length' | 'tool_calls';

export interface SimCompletion {
  readonly steps: readonly SimStep[];
  readonly finishReason: SimFinishReason;
  readonly promptTokens: number;
  /** Tokens generated, by construction: one per step, plus any steps cut away by a stop sequence. */
  readonly completionTokens: number;
}

/** Identity of one response, shared by every chunk of a stream. */
export interface SimResponseMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** Alternatives per token when the request asked for log probabilities; absent otherwise. */
  readonly logprobs?: number;
}

/** Failures, as facts; each wire format words and shapes them its own way. */
export type SimError =
  | {
      readonly kind: 'invalid_request';
      readonly message: string;
      readonly param: string | null;
      readonly code: string | null;
    }
  | { readonly kind: 'not_found'; readonly message: string; readonly code: string | null }
  | { readonly kind: 'payload_too_large'; readonly limitBytes: number }
  | { readonly kind: 'rate_limit'; readonly model: string; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'server_error' }
  | { readonly kind: 'unavailable' }
  | {
      readonly kind: 'context_length_exceeded';
      readonly contextWindow: number;
      readonly promptTokens: number;
      readonly completionTokens: number | undefined;
    }
  | { readonly kind: 'content_policy' };

export interface EncodedError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A stream as a list of wire events. `head` events precede the first token, each `token` event carries one
 * generated token, `tail` events close the answer (finish, usage), `terminator` is the end marker.
 */
export interface SimStreamEvent {
  readonly kind: 'head' | 'token' | 'tail' | 'terminator';
  readonly text: string;
}

/** What the URL of a generation request says, for formats that put the model or mode in the path (Gemini). */
export interface SimRequestTarget {
  readonly model?: string;
  readonly stream?: boolean;
}

/** Everything the server needs from one wire format. */
export interface SimWireFormat {
  /** `openai`, `anthropic` or `gemini`: names the format in logs and tests. */
  readonly name: string;
  /** Put before the simulator's unique response number to make a response id (`chatcmpl-`, `msg_`). */
  readonly responseIdPrefix: string;
  /**
   * Whether this request is a generation call in this format; the target carries what the path says.
   * Undefined means "not mine", and the server asks the next format.
   */
  matchGenerate(method: string, path: string, search: string): SimRequestTarget | undefined;
  /** Decode a parsed JSON body, loosely: only what the simulator acts on is checked. */
  decodeRequest(body: unknown, target: SimRequestTarget): SimPrompt | SimError;
  encodeResponse(meta: SimResponseMeta, completion: SimCompletion): string;
  encodeStream(meta: SimResponseMeta, completion: SimCompletion, includeUsage: boolean): SimStreamEvent[];
  /** Turn one event into something the client's parser must reject (the `malformed_chunk` fault). */
  corruptEvent(text: string): string;
  encodeError(error: SimError): EncodedError;
  readonly streamContentType: string;
}

export function isSimError(value: SimPrompt | SimError): value is SimError {
  return 'kind' in value;
}

/** Per-model behaviour of the simulator (keyed by upstream model name). */
export interface SimModelProfile {
  /** Time to first token: a log-normal distribution given by its median and p95, in ms. */
  readonly ttftMs: { readonly median: number; readonly p95: number };
  readonly tokensPerSecond: number;
  readonly contextWindow: number;
  /** Faults applied to every request for this model unless the request header overrides. */
  readonly faults: readonly string[];
  /** A fixed answer for every plain-text request (a scripted verifier or refusal in tests and demos). */
  readonly reply?: string;
}
