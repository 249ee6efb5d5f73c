/**
 * Canonical `ChatRequest` → Anthropic Messages request body (https://docs.claude.com/en/api/messages).
 * Fields the client did not set are left `undefined`, which `JSON.stringify` omits. Anthropic has no
 * seed, penalties or logprobs; the gateway refuses those before an adapter is called, so they are not
 * encoded here. `request.metadata` is not forwarded (Anthropic's `metadata` holds only `user_id`).
 */

import { GatewayError } from '../../core/errors.ts';
import type {
  ChatRequest,
  ContentPart,
  ImagePart,
  Message,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../core/request.ts';
import { JSON_TOOL_NAME, jsonTool, type JsonTool } from './json-mode.ts';

export interface AnthropicTextBlock {
  readonly type: 'text';
  readonly text: string;
}

export interface AnthropicImageBlock {
  readonly type: 'image';
  readonly source:
    | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
    | { readonly type: 'url'; readonly url: string };
}

export interface AnthropicToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: Readonly<Record<string, unknown>>;
}

export interface AnthropicToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  readonly content?: string | readonly (AnthropicTextBlock | AnthropicImageBlock)[];
  readonly is_error?: true;
}

export type AnthropicContentBlock =
  AnthropicTextBlock | AnthropicImageBlock | AnthropicToolUseBlock | AnthropicToolResultBlock;

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string | readonly AnthropicContentBlock[];
}

export interface AnthropicTool {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
}

export type AnthropicToolChoice =
  | { readonly type: 'auto' | 'any'; readonly disable_parallel_tool_use?: true }
  | { readonly type: 'tool'; readonly name: string; readonly disable_parallel_tool_use?: true }
  | { readonly type: 'none' };

export interface AnthropicMessagesBody {
  readonly model: string;
  readonly max_tokens: number;
  readonly system?: string;
  readonly messages: readonly AnthropicMessage[];
  readonly tools?: readonly (AnthropicTool | JsonTool)[];
  readonly tool_choice?: AnthropicToolChoice;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly stop_sequences?: readonly string[];
  readonly metadata?: { readonly user_id: string };
  readonly stream?: true;
}

export interface EncodeOptions {
  /** The model name sent upstream. */
  readonly upstreamModel: string;
  readonly stream: boolean;
  /** Sent as `max_tokens` (which Anthropic requires) when the client set no output cap. */
  readonly defaultMaxTokens: number;
}

export function encodeRequest(request: ChatRequest, options: EncodeOptions): AnthropicMessagesBody {
  const { sampling } = request;
  const { system, messages } = encodeConversation(request.messages);
  const tools = encodeTools(request);
  return {
    model: options.upstreamModel,
    max_tokens: request.maxOutputTokens ?? options.defaultMaxTokens,
    system,
    messages,
    tools: tools?.tools,
    tool_choice: tools?.choice,
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: sampling.topK,
    stop_sequences: encodeStop(sampling.stop),
    metadata: request.user === undefined ? undefined : { user_id: request.user },
    stream: options.stream ? true : undefined,
  };
}

/**
 * Anthropic rejects a request whose stop sequences are empty or only whitespace ("each stop sequence
 * must contain non-whitespace"); those are dropped so the rest of the request is still served.
 */
function encodeStop(stop: readonly string[] | undefined): readonly string[] | undefined {
  if (stop === undefined) return undefined;
  const kept = stop.filter((sequence) => sequence.trim().length > 0);
  return kept.length > 0 ? kept : undefined;
}

// ---- messages --------------------------------------------------------------------------------------

interface Turn {
  readonly role: 'user' | 'assistant';
  readonly blocks: AnthropicContentBlock[];
}

/**
 * System messages move to the top-level `system` (joined in order, wherever they stood); tool results
 * travel as `tool_result` blocks in a user turn; consecutive turns of the same role are merged, since
 * Anthropic wants user and assistant to alternate.
 */
export function encodeConversation(messages: readonly Message[]): {
  system: string | undefined;
  messages: AnthropicMessage[];
} {
  const systemTexts: string[] = [];
  const turns: Turn[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    switch (message.role) {
      case 'system':
        systemTexts.push(systemText(message, index));
        break;
      case 'user':
        appendTurn(turns, 'user', contentBlocks(message.content));
        break;
      case 'assistant':
        appendTurn(turns, 'assistant', assistantBlocks(message, index));
        break;
      case 'tool':
        appendTurn(turns, 'user', [toolResultBlock(message, index)]);
        break;
    }
  }
  return {
    system: systemTexts.length > 0 ? systemTexts.join('\n\n') : undefined,
    messages: turns.map(toMessage),
  };
}

function appendTurn(turns: Turn[], role: Turn['role'], blocks: AnthropicContentBlock[]): void {
  const last = turns.at(-1);
  if (last?.role === role) last.blocks.push(...blocks);
  else turns.push({ role, blocks });
}

/** A lone text block becomes a plain string, Anthropic's shorthand; anything else keeps its blocks. */
function toMessage(turn: Turn): AnthropicMessage {
  const only = turn.blocks[0];
  if (turn.blocks.length === 1 && only?.type === 'text') return { role: turn.role, content: only.text };
  if (turn.blocks.length === 0) return { role: turn.role, content: '' };
  return { role: turn.role, content: turn.blocks };
}

function systemText(message: Message, index: number): string {
  let text = '';
  for (const part of message.content) {
    if (part.type !== 'text') {
      throw new GatewayError('invalid_request', 'System messages can carry only text on this provider.', {
        param: `messages[${index}].content`,
      });
    }
    text += part.text;
  }
  return text;
}

/** Empty text blocks are skipped: Anthropic rejects them ("text content blocks must be non-empty"). */
function contentBlocks(content: readonly ContentPart[]): (AnthropicTextBlock | AnthropicImageBlock)[] {
  const blocks: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  for (const part of content) {
    if (part.type === 'image') blocks.push(imageBlock(part));
    else if (part.text.length > 0) blocks.push({ type: 'text', text: part.text });
  }
  return blocks;
}

function imageBlock(part: ImagePart): AnthropicImageBlock {
  const { source } = part;
  switch (source.kind) {
    case 'url':
      return { type: 'image', source: { type: 'url', url: source.url } };
    case 'base64':
      return {
        type: 'image',
        source: { type: 'base64', media_type: source.mediaType, data: source.data },
      };
  }
}

function assistantBlocks(message: Message, index: number): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = contentBlocks(message.content);
  const calls = message.toolCalls ?? [];
  for (let position = 0; position < calls.length; position++) {
    const call = calls[position]!;
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.name,
      input: toolInput(call, `messages[${index}].tool_calls[${position}].function.arguments`),
    });
  }
  return blocks;
}

/** Anthropic takes a call's arguments as a JSON object, not as text. */
function toolInput(call: ToolCall, param: string): Readonly<Record<string, unknown>> {
  // Some clients send '' for a call without arguments.
  if (call.arguments.trim().length === 0) return {};
  let input: unknown;
  try {
    input = JSON.parse(call.arguments);
  } catch {
    throw new GatewayError('invalid_request', `The arguments of tool call '${call.id}' are not valid JSON.`, {
      param,
    });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new GatewayError(
      'invalid_request',
      `The arguments of tool call '${call.id}' must be a JSON object on this provider.`,
      { param },
    );
  }
  return input as Readonly<Record<string, unknown>>;
}

function toolResultBlock(message: Message, index: number): AnthropicToolResultBlock {
  if (message.toolCallId === undefined) {
    throw new GatewayError('invalid_request', 'A tool message must say which tool call it answers.', {
      param: `messages[${index}].tool_call_id`,
    });
  }
  const blocks = contentBlocks(message.content);
  const only = blocks[0];
  const content =
    blocks.length === 0 ? undefined : blocks.length === 1 && only?.type === 'text' ? only.text : blocks;
  return {
    type: 'tool_result',
    tool_use_id: message.toolCallId,
    content,
    is_error: message.isError === true ? true : undefined,
  };
}

// ---- tools -----------------------------------------------------------------------------------------

function encodeTools(
  request: ChatRequest,
): { tools: readonly (AnthropicTool | JsonTool)[]; choice: AnthropicToolChoice | undefined } | undefined {
  const format = request.responseFormat;
  if (format !== undefined && format.type !== 'text') {
    // One forced call, never several: the answer is a single JSON value.
    return {
      tools: [jsonTool(request, format)],
      choice: { type: 'tool', name: JSON_TOOL_NAME, disable_parallel_tool_use: true },
    };
  }
  // Anthropic rejects `tool_choice` on a request without tools.
  if (request.tools === undefined || request.tools.length === 0) return undefined;
  return {
    tools: request.tools.map(encodeTool),
    choice: encodeToolChoice(request.toolChoice, request.parallelToolCalls),
  };
}

/** `strict` is not sent: Anthropic accepts it only on some models and rejects the request on others. */
function encodeTool(tool: ToolDefinition): AnthropicTool {
  return { name: tool.name, description: tool.description, input_schema: tool.parameters };
}

/** Anthropic carries "no parallel calls" inside `tool_choice`, so that flag alone needs a choice. */
export function encodeToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  const disable = parallelToolCalls === false ? { disable_parallel_tool_use: true as const } : {};
  switch (choice?.type) {
    case undefined:
      return parallelToolCalls === false ? { type: 'auto', ...disable } : undefined;
    case 'auto':
      return { type: 'auto', ...disable };
    case 'required':
      return { type: 'any', ...disable };
    case 'tool':
      return { type: 'tool', name: choice.name, ...disable };
    case 'none':
      return { type: 'none' };
  }
}
