/**
 * Gemini `GenerateContentResponse` → canonical `ChatResponse`
 * (https://ai.google.dev/api/generate-content#generatecontentresponse).
 *
 * - Text is the first candidate's text parts joined; `thought: true` parts are thought summaries, the
 *   model's reasoning rather than its answer, so they are left out.
 * - `functionCall` parts become tool calls; their `args` object is serialised once as the arguments
 *   text. Gemini usually gives no call ids, so stable ones are made from the response id.
 * - A prompt Gemini blocked comes back as HTTP 200 with `promptFeedback.blockReason` and no candidates.
 *   Nothing was generated, so it is an error — `content_filtered`, as OpenAI's 400 for a rejected prompt
 *   is — which another target may still answer; an answer blocked mid-way is a candidate with a
 *   SAFETY-like finish reason and decodes to `content_filter`.
 */

import { GatewayError } from '../../core/errors.ts';
import type { ToolCall } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import type { ErrorOrigin } from '../error-origin.ts';
import { convertUsage } from './convert-usage.ts';
import { mapFinishReason } from './map-finish-reason.ts';
import { firstCandidate, readResponse, toolCallId, type GeminiResponse } from './read-response.ts';

export interface DecodeContext extends ErrorOrigin {
  /** Reported as the model when Gemini does not say which model version answered. */
  readonly upstreamModel: string;
}

export function decodeResponse(body: unknown, context: DecodeContext, upstreamStatus: number): ChatResponse {
  const reading = readResponse(body);
  if (reading.problem !== undefined) {
    throw new GatewayError(
      'upstream_bad_response',
      `The upstream sent a response in an unexpected shape: ${reading.problem}`,
      { upstreamStatus, provider: context.provider, model: context.model },
    );
  }
  const { response } = reading;
  const candidate = firstCandidate(response);
  if (candidate === undefined) {
    throw (
      blockedPromptError(response, context, upstreamStatus) ??
      new GatewayError('upstream_bad_response', 'The upstream sent a response with no candidates', {
        upstreamStatus,
        provider: context.provider,
        model: context.model,
      })
    );
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.thought === true) continue;
    if (typeof part.text === 'string') text += part.text;
    const call = part.functionCall;
    if (call !== undefined && call !== null) {
      toolCalls.push({
        id: toolCallId(call, response.responseId, toolCalls.length),
        name: call.name,
        arguments: JSON.stringify(call.args ?? {}),
      });
    }
  }
  return {
    id: response.responseId ?? '',
    upstreamModel: response.modelVersion ?? context.upstreamModel,
    created: Math.floor(Date.now() / 1000),
    text,
    toolCalls,
    finishReason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
    usage:
      response.usageMetadata === null || response.usageMetadata === undefined
        ? undefined
        : convertUsage(response.usageMetadata),
  };
}

/** The message a blocked prompt is reported with (Gemini sends only the reason). */
export function blockedPromptMessage(blockReason: string): string {
  return `Gemini blocked the prompt (blockReason: ${blockReason})`;
}

/** `content_filtered` when the response is a blocked prompt, undefined otherwise. */
export function blockedPromptError(
  response: GeminiResponse,
  context: ErrorOrigin,
  upstreamStatus: number | undefined,
): GatewayError | undefined {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason === null || blockReason === undefined) return undefined;
  return new GatewayError('content_filtered', blockedPromptMessage(blockReason), {
    upstreamStatus,
    upstreamCode: blockReason,
    provider: context.provider,
    model: context.model,
  });
}
