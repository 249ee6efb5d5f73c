/**
 * The generation endpoints — `POST /v1/chat/completions` (OpenAI) and `POST /v1/messages` (Anthropic):
 * decode in the client's protocol, plan, execute against any provider, encode back, streaming or not.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError } from '../../core/errors.ts';
import { costUsd } from '../../executor/cost.ts';
import type { ExecutionContext } from '../../executor/execute.ts';
import { abortOnClientClose } from '../client-abort.ts';
import { requestedDeadlineMs, withDeadline } from '../deadline.ts';
import type { GatewayServices } from '../gateway-services.ts';
import type { ClientProtocol } from '../protocol/client-protocol.ts';
import { routingHeaders } from '../response-headers.ts';
import { createSseWriter } from '../sse-writer.ts';
import type { ResolvedModel } from '../../core/model.ts';
import { AttemptLog, type AttemptRecord } from '../../executor/attempt.ts';
import type { PriorityClass } from '../../executor/gate.ts';
import type { RequestRecord } from '../../telemetry/request-store.ts';

export function chatHandler(services: GatewayServices, protocol: ClientProtocol) {
  return async function handleChat(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const record = services.requests.open(request.id);
    const chat = protocol.decodeRequest(request.body);
    const signals = services.signals.valuesFor({ request: chat, headers: request.headers });
    let plan = services.planner.plan(chat, signals);
    // Fitting by summary needs a model call before the request can be sent.
    if (plan.complete !== undefined) plan = await plan.complete();
    record.decision = plan.decision;
    const deadlineMs = requestedDeadlineMs(request.headers) ?? plan.deadlineMs;
    // Recorded as they happen, so a request that fails everywhere still shows every attempt.
    const attempts = new AttemptLog();
    record.attempts = attempts.records;
    const context: ExecutionContext = {
      requestId: request.id,
      signal: withDeadline(abortOnClientClose(reply.raw), deadlineMs, reply.raw),
      clientHeaders: request.headers,
      fieldName: protocol.fieldName,
      priority: priorityClass(signals.get('priority')),
      attempts,
    };

    if (!chat.stream) {
      const outcome = await services.executor.generate(plan, plan.request, context);
      recordOutcome(record, outcome);
      const headers = routingHeaders(request.id, plan, outcome);
      if (outcome.response.usage !== undefined) {
        headers['x-switchyard-cost-usd'] = costUsd(outcome.response.usage, outcome.served.pricing).toFixed(8);
      }
      return reply.headers(headers).send(protocol.encodeResponse(outcome.response));
    }

    // Failures before the stream commits are ordinary HTTP errors (thrown to the error handler).
    const outcome = await services.executor.stream(plan, plan.request, context);
    recordOutcome(record, outcome);
    reply.hijack();
    const writer = createSseWriter(reply.raw, routingHeaders(request.id, plan, outcome));
    const encoder = protocol.createStreamEncoder(chat);
    let failed = false;
    try {
      for await (const batch of outcome.parts) {
        // One string and one write per upstream read, however many parts it carried.
        let text = '';
        for (const part of batch) {
          text += encoder.encode(part);
          if (part.type === 'error') {
            failed = true;
            services.logger.warn(
              { requestId: request.id, code: part.error.code, err: part.error.message },
              'stream failed after commit',
            );
            break;
          }
        }
        await writer.write(text);
        if (failed) break;
      }
    } catch (thrown) {
      // An error escaping the executor's stream still reaches the client in-band, never as a clean end.
      const error = toGatewayError(thrown);
      failed = true;
      services.logger.error(
        { requestId: request.id, code: error.code, err: error.message },
        'stream aborted',
      );
      await writer.write(encoder.encode({ type: 'error', error }));
    }
    writer.end(failed ? '' : encoder.end());
    return reply;
  };
}

/** The `priority` signal (low | normal | high) as a gate's priority class. */
function priorityClass(value: unknown): PriorityClass {
  return value === 'high' || value === 'low' ? value : 'normal';
}

function recordOutcome(
  record: RequestRecord,
  outcome: { served: ResolvedModel; attempts: readonly AttemptRecord[]; dropped: readonly string[] },
): void {
  record.served = outcome.served.id;
  record.attempts = outcome.attempts;
  record.dropped = outcome.dropped;
}
