/** OpenAI chat-completions body → canonical ChatRequest. */

import { GatewayError } from '../../../core/errors.ts';
import type {
  ChatRequest,
  ContentPart,
  ImageSource,
  Message,
  ResponseFormat,
  SamplingOptions,
  ToolChoice,
  ToolDefinition,
} from '../../../core/request.ts';
import { validationError } from '../validation-error.ts';
import {
  chatCompletionRequestSchema,
  type ChatCompletionRequestBody,
  type OpenAIMessageBody,
} from './request-schema.ts';

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is;

function imageSource(url: string): ImageSource {
  const match = DATA_URL.exec(url);
  if (match !== null) return { kind: 'base64', mediaType: match[1]!.toLowerCase(), data: match[2]! };
  return { kind: 'url', url };
}

type ContentBody =
  | string
  | readonly (
      | { type: 'text'; text: string }
      | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' | undefined } }
      | { type: 'refusal'; refusal: string }
    )[]
  | null
  | undefined;

function decodeContent(content: ContentBody): ContentPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: ContentPart[] = [];
  for (const part of content) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: part.text });
        break;
      case 'refusal':
        parts.push({ type: 'text', text: part.refusal });
        break;
      case 'image_url': {
        const detail = part.image_url.detail;
        parts.push({
          type: 'image',
          source: imageSource(part.image_url.url),
          ...(detail === undefined ? {} : { detail }),
        });
        break;
      }
    }
  }
  return parts;
}

function decodeMessage(message: OpenAIMessageBody): Message {
  switch (message.role) {
    case 'system':
    case 'developer':
      return {
        role: 'system',
        content: decodeContent(message.content),
        ...(message.name === undefined ? {} : { name: message.name }),
      };
    case 'user':
      return {
        role: 'user',
        content: decodeContent(message.content),
        ...(message.name === undefined ? {} : { name: message.name }),
      };
    case 'assistant': {
      const toolCalls = message.tool_calls?.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      return {
        role: 'assistant',
        content: decodeContent(message.content),
        ...(toolCalls === undefined || toolCalls.length === 0 ? {} : { toolCalls }),
        ...(message.name === undefined ? {} : { name: message.name }),
      };
    }
    case 'tool':
      return { role: 'tool', content: decodeContent(message.content), toolCallId: message.tool_call_id };
  }
}

function decodeToolChoice(choice: ChatCompletionRequestBody['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return { type: choice };
  return { type: 'tool', name: choice.function.name };
}

function decodeResponseFormat(
  format: ChatCompletionRequestBody['response_format'],
): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  switch (format.type) {
    case 'text':
    case 'json_object':
      return { type: format.type };
    case 'json_schema': {
      const spec = format.json_schema;
      return {
        type: 'json_schema',
        name: spec.name,
        schema: spec.schema ?? {},
        ...(spec.strict === null || spec.strict === undefined ? {} : { strict: spec.strict }),
        ...(spec.description === undefined ? {} : { description: spec.description }),
      };
    }
  }
}

function decodeTools(tools: ChatCompletionRequestBody['tools']): ToolDefinition[] | undefined {
  return tools?.map(({ function: fn }) => ({
    name: fn.name,
    parameters: fn.parameters ?? { type: 'object', properties: {} },
    ...(fn.description === undefined ? {} : { description: fn.description }),
    ...(fn.strict === null || fn.strict === undefined ? {} : { strict: fn.strict }),
  }));
}

/** Checks that references inside the conversation agree (a tool choice names a declared tool). */
function checkConsistency(body: ChatCompletionRequestBody): void {
  const choice = body.tool_choice;
  if (choice !== undefined && typeof choice !== 'string') {
    const declared = body.tools?.some((tool) => tool.function.name === choice.function.name) ?? false;
    if (!declared) {
      throw new GatewayError(
        'invalid_request',
        `tool_choice names function '${choice.function.name}', which is not in 'tools'.`,
        {
          param: 'tool_choice.function.name',
        },
      );
    }
  }
  if (body.top_logprobs != null && body.logprobs !== true) {
    throw new GatewayError('invalid_request', "'top_logprobs' requires 'logprobs' to be true.", {
      param: 'top_logprobs',
    });
  }
  if (
    body.max_tokens != null &&
    body.max_completion_tokens != null &&
    body.max_tokens !== body.max_completion_tokens
  ) {
    throw new GatewayError(
      'invalid_request',
      "Give either 'max_tokens' or 'max_completion_tokens', not two different values.",
      {
        param: 'max_completion_tokens',
      },
    );
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function decodeSampling(request: ChatCompletionRequestBody): SamplingOptions {
  const sampling: Mutable<SamplingOptions> = {};
  if (request.temperature != null) sampling.temperature = request.temperature;
  if (request.top_p != null) sampling.topP = request.top_p;
  if (request.top_k != null) sampling.topK = request.top_k;
  if (request.seed != null) sampling.seed = request.seed;
  if (request.stop != null) sampling.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.presence_penalty != null) sampling.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) sampling.frequencyPenalty = request.frequency_penalty;
  return sampling;
}

export function decodeChatCompletionRequest(body: unknown): ChatRequest {
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const request = parsed.data;
  checkConsistency(request);
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const tools = decodeTools(request.tools);
  const toolChoice = decodeToolChoice(request.tool_choice);
  const responseFormat = decodeResponseFormat(request.response_format);
  const stream = request.stream === true;
  return {
    model: request.model,
    messages: request.messages.map(decodeMessage),
    sampling: decodeSampling(request),
    stream,
    includeUsage: stream && request.stream_options?.include_usage === true,
    metadata: request.metadata ?? {},
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(request.parallel_tool_calls === undefined ? {} : { parallelToolCalls: request.parallel_tool_calls }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(request.user === undefined ? {} : { user: request.user }),
    ...(request.logprobs === true ? { logprobs: { topLogprobs: request.top_logprobs ?? 0 } } : {}),
  };
}
