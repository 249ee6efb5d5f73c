/**
 * Anthropic Message object → canonical `ChatResponse`
 * (https://docs.claude.com/en/api/messages#response). The schema covers only the fields we read; content
 * blocks of other types pass through unchecked and are skipped, so a new block type never fails a
 * request.
 */

import { z } from 'zod';
import { GatewayError } from '../../core/errors.ts';
import type { ToolCall } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { anthropicUsageSchema, convertUsage } from './convert-usage.ts';
import { JSON_TOOL_NAME } from './json-mode.ts';
import { mapFinishReason } from './map-finish-reason.ts';

const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const otherBlockSchema = z.object({ type: z.string() });

const messageSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(z.union([textBlockSchema, toolUseBlockSchema, otherBlockSchema])),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

export interface DecodeContext extends ErrorOrigin {
  /** Reported as the model when the upstream does not say which model answered. */
  readonly upstreamModel: string;
  /** The request asked for JSON, emulated by a forced tool whose input is the answer text. */
  readonly jsonMode: boolean;
}

export function decodeResponse(body: unknown, context: DecodeContext, upstreamStatus: number): ChatResponse {
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) {
    throw new GatewayError('upstream_bad_response', 'The upstream sent a message in an unexpected shape', {
      upstreamStatus,
      provider: context.provider,
      model: context.model,
      cause: parsed.error,
    });
  }
  const message = parsed.data;
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if ('text' in block) text += block.text;
    else if ('input' in block) {
      const input = JSON.stringify(block.input ?? {});
      if (context.jsonMode && block.name === JSON_TOOL_NAME) text += input;
      else toolCalls.push({ id: block.id, name: block.name, arguments: input });
    }
    // Anything else is skipped: `thinking` / `redacted_thinking` are hidden reasoning the canonical
    // response has no place for (its tokens are already in output_tokens), and server-tool blocks are
    // results the client did not ask for.
  }
  return {
    id: message.id ?? '',
    upstreamModel: message.model ?? context.upstreamModel,
    // Anthropic's message has no creation time.
    created: Math.floor(Date.now() / 1000),
    text,
    toolCalls,
    finishReason: mapFinishReason(message.stop_reason, context.jsonMode),
    usage: message.usage === null || message.usage === undefined ? undefined : convertUsage(message.usage),
  };
}
