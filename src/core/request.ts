/**
 * The canonical chat request: what every inbound protocol decodes into and every provider adapter
 * encodes from. It keeps everything a client said that any provider can act on; wire-format quirks
 * (field names, nesting) live only in server/protocol and providers/.
 */

/** The API a client spoke to the gateway (the endpoint it called), never the provider that answered. */
export type ClientApi = 'openai' | 'anthropic';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

/** An image given by URL, or inline as base64 (a `data:` URL is decoded into this form). */
export type ImageSource =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'base64'; readonly mediaType: string; readonly data: string };

export interface ImagePart {
  readonly type: 'image';
  readonly source: ImageSource;
  readonly detail?: 'auto' | 'low' | 'high';
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** JSON text exactly as the model produced it; never re-serialised, so nothing is lost. */
  readonly arguments: string;
}

export interface Message {
  readonly role: Role;
  readonly content: readonly ContentPart[];
  /** Assistant turns only: the tool calls the model made. */
  readonly toolCalls?: readonly ToolCall[];
  /** Tool turns only: which call this result answers. */
  readonly toolCallId?: string;
  /** Tool turns only: the tool failed and this content describes the failure (Anthropic `is_error`). */
  readonly isError?: boolean;
  /** Optional participant name (OpenAI `name`). */
  readonly name?: string;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly parameters: JsonSchema;
  readonly strict?: boolean;
}

export type ToolChoice =
  | { readonly type: 'auto' }
  | { readonly type: 'none' }
  | { readonly type: 'required' }
  | { readonly type: 'tool'; readonly name: string };

export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly name: string;
      readonly schema: JsonSchema;
      readonly strict?: boolean;
      readonly description?: string;
    };

export interface SamplingOptions {
  readonly temperature?: number;
  readonly topP?: number;
  /** Sample only from the K most likely tokens (Anthropic, Gemini, vLLM; not OpenAI). */
  readonly topK?: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
}

export interface ChatRequest {
  /** What the client asked for: a model id, a route name or `auto`. */
  readonly model: string;
  readonly messages: readonly Message[];
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly parallelToolCalls?: boolean;
  readonly responseFormat?: ResponseFormat;
  readonly sampling: SamplingOptions;
  readonly maxOutputTokens?: number;
  /** Return per-token log probabilities, with this many alternatives per token (0 for none). */
  readonly logprobs?: { readonly topLogprobs: number };
  readonly stream: boolean;
  /** Client wants a final usage report in the stream (OpenAI `stream_options.include_usage`). */
  readonly includeUsage: boolean;
  /** End-user id for abuse tracking, passed upstream where the provider accepts it. */
  readonly user?: string;
  /** Free-form string metadata; available to routing and logged, forwarded only where supported. */
  readonly metadata: Readonly<Record<string, string>>;
}
