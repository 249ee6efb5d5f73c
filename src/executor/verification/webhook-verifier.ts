/**
 * An HTTP service of the user's decides: it receives the conversation and the answer as JSON and replies
 * `{"accept": true|false, "reason"?: "...", "score"?: n}`. Sent through the one transport.
 */

import { z } from 'zod';
import type { WebhookSettings } from '../../config/resolved.ts';
import { toGatewayError } from '../../core/errors.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { ChatResponse } from '../../core/response.ts';
import { linkedTimeout } from '../../core/abort.ts';
import { GatewayError } from '../../core/errors.ts';
import type { HttpTransport } from '../../providers/transport/http-transport.ts';
import type { CheckResult } from './verdict.ts';

const webhookReplySchema = z.looseObject({
  accept: z.boolean(),
  reason: z.string().optional(),
  score: z.number().optional(),
});

export interface WebhookCall {
  readonly requestId: string;
  readonly route: string;
  /** The model whose answer is judged. */
  readonly model: string;
  readonly request: ChatRequest;
  readonly answer: ChatResponse;
  readonly signal: AbortSignal;
}

/** One connection is plenty for a verifier; a busy one queues briefly rather than opening many. */
const WEBHOOK_CONNECTIONS = 8;

export async function verifyWithWebhook(
  transport: HttpTransport,
  settings: WebhookSettings,
  call: WebhookCall,
): Promise<CheckResult> {
  const failed = (reason: string): CheckResult => ({
    check: 'webhook',
    passed: false,
    reason,
    verifierFailed: true,
  });
  const limit = linkedTimeout(
    call.signal,
    settings.timeoutMs,
    () => new GatewayError('upstream_timeout', `the webhook did not answer within ${settings.timeoutMs} ms`),
  );
  try {
    const response = await transport.send({
      url: settings.url,
      method: 'POST',
      headers: { ...settings.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: call.requestId,
        route: call.route,
        model: call.model,
        messages: call.request.messages,
        answer: {
          text: call.answer.text,
          tool_calls: call.answer.toolCalls,
          finish_reason: call.answer.finishReason.raw ?? call.answer.finishReason.unified,
        },
      }),
      signal: limit.signal,
      timeouts: {
        connectMs: settings.timeoutMs,
        headersMs: settings.timeoutMs,
        bodyIdleMs: settings.timeoutMs,
      },
      maxConnections: WEBHOOK_CONNECTIONS,
    });
    if (response.status < 200 || response.status >= 300) {
      await response.text().catch(() => '');
      return failed(`the webhook answered HTTP ${response.status}`);
    }
    const reply = webhookReplySchema.safeParse(await response.json());
    if (!reply.success) return failed('the webhook reply lacks a boolean "accept"');
    const { accept, reason, score } = reply.data;
    return {
      check: 'webhook',
      passed: accept,
      reason: reason ?? (accept ? 'accepted' : 'rejected'),
      ...(score === undefined ? {} : { score }),
    };
  } catch (error) {
    return failed(toGatewayError(error).message);
  } finally {
    limit.clear();
  }
}
