/** Anthropic Messages body → canonical ChatRequest. */

import { GatewayError } from '../../../core/errors.ts';
import type {
  ChatRequest,
  ContentPart,
  Message,
  SamplingOptions,
  ToolChoice,
  ToolDefinition,
} from '../../../core/request.ts';
import { validationError } from '../validation-error.ts';
import {
  messagesRequestSchema,
  type AnthropicContentBlock,
  type AnthropicMessageBody,
  type MessagesRequestBody,
} from './request-schema.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function unsupported(param: string, message: string): GatewayError {
  return new GatewayError('unsupported_parameter', message, { param });
}

function imagePart(block: Extract<AnthropicContentBlock, { type: 'image' }>): ContentPart {
  const source = block.source;
  return source.type === 'base64'
    ? { type: 'image', source: { kind: 'base64', mediaType: source.media_type, data: source.data } }
    : { type: 'image', source: { kind: 'url', url: source.url } };
}

function toolResultContent(
  content: Extract<AnthropicContentBlock, { type: 'tool_result' }>['content'],
): ContentPart[] {
  if (content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((block) =>
    block.type === 'text' ? { type: 'text', text: block.text } : imagePart(block),
  );
}

/**
 * One Anthropic turn can become several canonical messages: a user turn's `tool_result` blocks become
 * tool messages (first, as every format expects results right after the calls), its text and images one
 * user message.
 */
function decodeTurn(turn: AnthropicMessageBody, index: number, into: Message[]): void {
  if (typeof turn.content === 'string') {
    into.push({ role: turn.role, content: [{ type: 'text', text: turn.content }] });
    return;
  }
  const content: ContentPart[] = [];
  const toolCalls: { id: string; name: string; arguments: string }[] = [];
  for (const [position, block] of turn.content.entries()) {
    const path = `messages[${index}].content[${position}]`;
    switch (block.type) {
      case 'text':
        content.push({ type: 'text', text: block.text });
        break;
      case 'image':
        content.push(imagePart(block));
        break;
      case 'tool_use':
        if (turn.role !== 'assistant')
          throw unsupported(path, `${path}: tool_use blocks belong in assistant turns.`);
        toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
        break;
      case 'tool_result':
        if (turn.role !== 'user')
          throw unsupported(path, `${path}: tool_result blocks belong in user turns.`);
        into.push({
          role: 'tool',
          toolCallId: block.tool_use_id,
          content: toolResultContent(block.content),
          ...(block.is_error === true ? { isError: true } : {}),
        });
        break;
      case 'thinking':
      case 'redacted_thinking':
        // Earlier reasoning echoed back by the client: it is context for Claude only, and the gateway
        // does not request thinking, so it is left out of what any target sees.
        break;
      case 'document':
        throw unsupported(`${path}.type`, `${path}: document blocks are not supported by this gateway.`);
    }
  }
  if (turn.role === 'assistant') {
    into.push({ role: 'assistant', content, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
  } else if (content.length > 0) {
    into.push({ role: 'user', content });
  }
}

function decodeTools(tools: MessagesRequestBody['tools']): ToolDefinition[] | undefined {
  return tools?.map((tool, index) => {
    const schema = tool.input_schema;
    if (schema === undefined || (tool.type !== undefined && tool.type !== 'custom')) {
      throw unsupported(
        `tools[${index}].type`,
        `tools[${index}]: server tool '${tool.type ?? tool.name}' is not supported; only custom tools with an input_schema are.`,
      );
    }
    return {
      name: tool.name,
      parameters: schema,
      ...(tool.description === undefined ? {} : { description: tool.description }),
    };
  });
}

function decodeToolChoice(choice: MessagesRequestBody['tool_choice']): ToolChoice | undefined {
  switch (choice?.type) {
    case undefined:
      return undefined;
    case 'auto':
    case 'none':
      return { type: choice.type };
    case 'any':
      return { type: 'required' };
    case 'tool':
      return { type: 'tool', name: choice.name };
  }
}

function refuseUnsupported(body: MessagesRequestBody): void {
  if (body.thinking?.type === 'enabled') {
    throw unsupported('thinking', 'Extended thinking is not supported by this gateway yet; omit `thinking`.');
  }
  if (body.mcp_servers !== undefined && body.mcp_servers.length > 0) {
    throw unsupported('mcp_servers', 'MCP servers are not supported by this gateway.');
  }
  if (body.container !== undefined) {
    throw unsupported('container', 'Code-execution containers are not supported by this gateway.');
  }
  const choice = body.tool_choice;
  if (choice?.type === 'tool' && !(body.tools ?? []).some((tool) => tool.name === choice.name)) {
    throw new GatewayError(
      'invalid_request',
      `tool_choice names tool '${choice.name}', which is not in 'tools'.`,
      { param: 'tool_choice.name' },
    );
  }
}

function decodeSampling(body: MessagesRequestBody): SamplingOptions {
  const sampling: Mutable<SamplingOptions> = {};
  if (body.temperature !== undefined) sampling.temperature = body.temperature;
  if (body.top_p !== undefined) sampling.topP = body.top_p;
  if (body.top_k !== undefined) sampling.topK = body.top_k;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0)
    sampling.stop = body.stop_sequences;
  return sampling;
}

export function decodeMessagesRequest(input: unknown): ChatRequest {
  const parsed = messagesRequestSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error);
  const body = parsed.data;
  refuseUnsupported(body);

  const messages: Message[] = [];
  if (body.system !== undefined) {
    const content: ContentPart[] =
      typeof body.system === 'string'
        ? [{ type: 'text', text: body.system }]
        : body.system.map((block) => ({ type: 'text', text: block.text }));
    if (content.length > 0) messages.push({ role: 'system', content });
  }
  for (const [index, turn] of body.messages.entries()) decodeTurn(turn, index, messages);

  const tools = decodeTools(body.tools);
  const toolChoice = decodeToolChoice(body.tool_choice);
  const disableParallel =
    body.tool_choice !== undefined &&
    body.tool_choice.type !== 'none' &&
    body.tool_choice.disable_parallel_tool_use === true;
  const user = body.metadata?.user_id ?? undefined;
  const stream = body.stream === true;
  return {
    model: body.model,
    messages,
    sampling: decodeSampling(body),
    maxOutputTokens: body.max_tokens,
    stream,
    // Anthropic streams always end with usage; the encoder needs it for `message_delta`.
    includeUsage: stream,
    metadata: {},
    ...(tools === undefined || tools.length === 0 ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(disableParallel ? { parallelToolCalls: false } : {}),
    ...(user === undefined ? {} : { user }),
  };
}
