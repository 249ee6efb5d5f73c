/**
 * The Anthropic Messages request body as the gateway accepts it on `POST /v1/messages`. Fields are
 * checked for type and range so a bad request fails here with a path. Unknown top-level fields are
 * ignored, as on the OpenAI endpoint; fields we know but cannot honour are refused by the decoder.
 */

import { z } from 'zod';

const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.string().optional() }).nullish();

const textBlock = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.unknown().optional(),
});

const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string().min(1),
    }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

/** Blocks a client echoes back from an earlier Claude answer; they carry no instruction to the model. */
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

const documentBlock = z.object({ type: z.literal('document') }).loose();

const contentBlock = z.discriminatedUnion('type', [
  textBlock,
  imageBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  documentBlock,
]);

export const anthropicMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

/** Custom tools; server tools (web search, code execution, …) have a versioned `type` and no schema. */
const tool = z.object({
  type: z.string().optional(),
  name: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must be 1-128 characters of a-z, A-Z, 0-9, underscores and dashes'),
  description: z.string().optional(),
  input_schema: z
    .object({ type: z.literal('object') })
    .loose()
    .optional(),
  cache_control: cacheControl,
});

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({
    type: z.literal('tool'),
    name: z.string().min(1),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.object({ type: z.literal('none') }),
]);

export const messagesRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(anthropicMessage).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().positive().optional(),
  tools: z.array(tool.loose()).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
      z.object({ type: z.literal('disabled') }),
    ])
    .optional(),
  mcp_servers: z.array(z.unknown()).optional(),
  container: z.unknown().optional(),
});

export type MessagesRequestBody = z.infer<typeof messagesRequestSchema>;
export type AnthropicMessageBody = z.infer<typeof anthropicMessage>;
export type AnthropicContentBlock = z.infer<typeof contentBlock>;
