/**
 * OpenAI chat completion object → canonical `ChatResponse`
 * (https://platform.openai.com/docs/api-reference/chat/object). The schema covers only the fields we
 * read and accepts null or missing wherever a compatible server might leave a field out, so a new or
 * absent upstream field never fails a request.
 */

import { z } from 'zod';
import { GatewayError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { ToolCall } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { readLogprobs } from './convert-logprobs.ts';
import { convertUsage, openAIUsageSchema } from './convert-usage.ts';
import { mapFinishReason } from './map-finish-reason.ts';

const toolCallSchema = z.object({
  id: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

const chatCompletionSchema = z.object({
  id: z.string().nullish(),
  created: z.number().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
        logprobs: z.unknown().optional(),
      }),
    )
    .min(1),
  usage: openAIUsageSchema.nullish(),
});

export interface DecodeContext extends ErrorOrigin {
  /** Reported as the model when the upstream does not say which model answered. */
  readonly upstreamModel: string;
}

export function decodeResponse(body: unknown, context: DecodeContext, upstreamStatus: number): ChatResponse {
  const parsed = chatCompletionSchema.safeParse(body);
  if (!parsed.success) {
    throw new GatewayError(
      'upstream_bad_response',
      'The upstream sent a chat completion in an unexpected shape',
      {
        upstreamStatus,
        provider: context.provider,
        model: context.model,
        cause: parsed.error,
      },
    );
  }
  const completion = parsed.data;
  // Only the first choice: the canonical request has no `n`, so the upstream returns one.
  const choice = completion.choices[0]!;
  const logprobs = readLogprobs(choice.logprobs);
  return {
    id: completion.id ?? '',
    upstreamModel: completion.model ?? context.upstreamModel,
    created: completion.created ?? Math.floor(Date.now() / 1000),
    text: choice.message.content ?? '',
    toolCalls: (choice.message.tool_calls ?? []).map((call): ToolCall => ({
      // A few compatible servers omit ids; the next turn must still be able to answer the call.
      id: call.id ?? newId('call'),
      name: call.function.name,
      arguments: call.function.arguments ?? '',
    })),
    finishReason: mapFinishReason(choice.finish_reason),
    usage:
      completion.usage === null || completion.usage === undefined
        ? undefined
        : convertUsage(completion.usage),
    ...(logprobs === undefined ? {} : { logprobs }),
  };
}
