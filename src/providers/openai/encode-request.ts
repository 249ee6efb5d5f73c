/**
 * Canonical `ChatRequest` → OpenAI Chat Completions request body
 * (https://platform.openai.com/docs/api-reference/chat/create). Fields the client did not set are left
 * `undefined`, which `JSON.stringify` omits, so OpenAI-compatible servers only see what they were asked.
 */

import type {
  ChatRequest,
  ContentPart,
  ImagePart,
  Message,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../../core/request.ts';

export type OpenAIContentPart =
  | { readonly type: 'text'; readonly text: string }
  | {
      readonly type: 'image_url';
      readonly image_url: { readonly url: string; readonly detail?: 'auto' | 'low' | 'high' };
    };

export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface OpenAIMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string | readonly OpenAIContentPart[] | null;
  readonly name?: string;
  readonly tool_calls?: readonly OpenAIToolCall[];
  readonly tool_call_id?: string;
}

export interface OpenAITool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    readonly parameters: Readonly<Record<string, unknown>>;
    readonly strict?: boolean;
  };
}

export type OpenAIToolChoice =
  'auto' | 'none' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

export type OpenAIResponseFormat =
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly json_schema: {
        readonly name: string;
        readonly schema: Readonly<Record<string, unknown>>;
        readonly strict?: boolean;
        readonly description?: string;
      };
    };

export interface OpenAIChatBody {
  readonly model: string;
  readonly messages: readonly OpenAIMessage[];
  readonly tools?: readonly OpenAITool[];
  readonly tool_choice?: OpenAIToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: OpenAIResponseFormat;
  readonly temperature?: number;
  readonly top_p?: number;
  /** Not OpenAI's: vLLM, llama.cpp and Ollama accept it (the adapter reports which servers carry it). */
  readonly top_k?: number;
  readonly seed?: number;
  readonly stop?: readonly string[];
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly max_completion_tokens?: number;
  readonly max_tokens?: number;
  readonly user?: string;
  readonly logprobs?: true;
  readonly top_logprobs?: number;
  readonly stream?: true;
  readonly stream_options?: { readonly include_usage: true };
}

/**
 * Which field caps the output: OpenAI deprecated `max_tokens` in favour of `max_completion_tokens`
 * (reasoning models reject `max_tokens`), while most OpenAI-compatible servers only know `max_tokens`.
 */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

export interface EncodeOptions {
  /** The model name sent upstream. */
  readonly upstreamModel: string;
  readonly stream: boolean;
  readonly maxTokensField: MaxTokensField;
}

/** Canonical request → OpenAI body. `request.metadata` is deliberately not forwarded. */
export function encodeRequest(request: ChatRequest, options: EncodeOptions): OpenAIChatBody {
  const { sampling } = request;
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  return {
    model: options.upstreamModel,
    messages: request.messages.map(encodeMessage),
    tools: hasTools ? request.tools.map(encodeTool) : undefined,
    tool_choice: request.toolChoice === undefined ? undefined : encodeToolChoice(request.toolChoice),
    // OpenAI rejects `parallel_tool_calls` on a request without tools.
    parallel_tool_calls: hasTools ? request.parallelToolCalls : undefined,
    response_format:
      request.responseFormat === undefined ? undefined : encodeResponseFormat(request.responseFormat),
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: sampling.topK,
    seed: sampling.seed,
    stop: sampling.stop,
    presence_penalty: sampling.presencePenalty,
    frequency_penalty: sampling.frequencyPenalty,
    max_completion_tokens:
      options.maxTokensField === 'max_completion_tokens' ? request.maxOutputTokens : undefined,
    max_tokens: options.maxTokensField === 'max_tokens' ? request.maxOutputTokens : undefined,
    user: request.user,
    logprobs: request.logprobs === undefined ? undefined : true,
    top_logprobs:
      request.logprobs === undefined || request.logprobs.topLogprobs === 0
        ? undefined
        : request.logprobs.topLogprobs,
    stream: options.stream ? true : undefined,
    // Always ask for the final usage chunk, so cost is known even when the client did not ask for usage
    // (the server strips it from the client's stream in that case).
    stream_options: options.stream ? { include_usage: true } : undefined,
  };
}

export function encodeMessage(message: Message): OpenAIMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: encodeContent(message.content), name: message.name };
    case 'assistant': {
      const toolCalls = message.toolCalls;
      const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0;
      return {
        role: 'assistant',
        // OpenAI wants `null`, not an empty string, for an assistant turn that only calls tools.
        content: hasToolCalls && message.content.length === 0 ? null : encodeContent(message.content),
        name: message.name,
        tool_calls: hasToolCalls
          ? toolCalls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            }))
          : undefined,
      };
    }
    case 'tool':
      return { role: 'tool', content: encodeContent(message.content), tool_call_id: message.toolCallId };
  }
}

/**
 * A single text part becomes a plain string, which every OpenAI-compatible server accepts; anything
 * else keeps its parts so nothing (part boundaries, images) is lost.
 */
export function encodeContent(content: readonly ContentPart[]): string | readonly OpenAIContentPart[] {
  if (content.length === 0) return '';
  const only = content[0];
  if (content.length === 1 && only !== undefined && only.type === 'text') return only.text;
  return content.map(encodeContentPart);
}

function encodeContentPart(part: ContentPart): OpenAIContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image_url', image_url: { url: imageUrl(part), detail: part.detail } };
  }
}

/** OpenAI takes inline images as `data:` URLs. */
function imageUrl(part: ImagePart): string {
  const { source } = part;
  switch (source.kind) {
    case 'url':
      return source.url;
    case 'base64':
      return `data:${source.mediaType};base64,${source.data}`;
  }
}

function encodeTool(tool: ToolDefinition): OpenAITool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      strict: tool.strict,
    },
  };
}

export function encodeToolChoice(choice: ToolChoice): OpenAIToolChoice {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
  }
}

/** `text` is OpenAI's default, so it is omitted rather than sent to servers that may not know the field. */
export function encodeResponseFormat(format: ResponseFormat): OpenAIResponseFormat | undefined {
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          strict: format.strict,
          description: format.description,
        },
      };
  }
}
