/**
 * The generation endpoints — `POST /v1/chat/completions` (OpenAI) and `POST /v1/messages` (Anthropic):
 * decode in the client's protocol, plan, execute against any provider, encode back, streaming or not.
 * A RequestTracker follows each request and reports it (telemetry events, the request-log row).
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError, type GatewayError } from '../../core/errors.ts';
import type { ResolvedModel } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type { Usage } from '../../core/response.ts';
import { costUsd } from '../../executor/cost.ts';
import type { ExecutionContext, StreamOutcome } from '../../executor/execute.ts';
import type { PriorityClass } from '../../executor/gate.ts';
import type { ExecutionPlan } from '../../routing/plan.ts';
import { requestedDeadlineMs, requestSignal } from '../deadline.ts';
import type { GatewayServices } from '../gateway-services.ts';
import type { ClientProtocol } from '../protocol/client-protocol.ts';
import { RequestTracker } from '../request-tracker.ts';
import { headerValue, TENANT_HEADER } from '../../features/signals/index.ts';
import { OVERHEAD_HEADER, routingHeaders } from '../response-headers.ts';
import { createSseWriter } from '../sse-writer.ts';

export function chatHandler(services: GatewayServices, protocol: ClientProtocol) {
  return async function handleChat(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const tenant = headerValue(request.headers, TENANT_HEADER);
    const tracker = new RequestTracker(services.tracking, request.id, protocol.name, tenant);
    let served: ResolvedModel | undefined;
    try {
      const chat = protocol.decodeRequest(request.body);
      tracker.started(chat);
      const decisionStart = performance.now();
      const signalContext = { request: chat, headers: request.headers };
      // Only signals that need a call first (an embedding intent) prepare; most requests never await here.
      const preparing = services.signals.prepare(signalContext);
      if (preparing !== undefined) await preparing;
      const signals = services.signals.valuesFor(signalContext);
      let plan = services.planner.plan(chat, signals);
      // Fitting by summary needs a model call before the request can be sent.
      if (plan.complete !== undefined) plan = await plan.complete();
      tracker.decided(plan, signals, performance.now() - decisionStart);
      const deadlineMs = requestedDeadlineMs(request.headers) ?? plan.deadlineMs;
      const context: ExecutionContext = {
        requestId: request.id,
        signal: requestSignal(reply.raw, deadlineMs),
        clientHeaders: request.headers,
        fieldName: protocol.fieldName,
        priority: priorityClass(signals.get('priority')),
        // Recorded as they happen, so a request that fails everywhere still shows every attempt.
        attempts: tracker.attempts,
      };

      if (!chat.stream) {
        const outcome = await services.executor.generate(plan, plan.request, context);
        served = outcome.served;
        tracker.firstOutput(served);
        const headers = routingHeaders(request.id, plan, outcome);
        const usage = outcome.response.usage;
        if (usage !== undefined) headers['x-switchyard-cost-usd'] = costUsd(usage, served.pricing).toFixed(8);
        headers[OVERHEAD_HEADER] = tracker.overheadMs().toFixed(2);
        const sent = reply.headers(headers).send(protocol.encodeResponse(outcome.response));
        tracker.finish({
          status: 200,
          outcome: 'ok',
          served,
          ...(usage === undefined ? {} : { usage }),
          completion: outcome.response.text,
        });
        return sent;
      }

      // Failures before the stream commits are ordinary HTTP errors (thrown to the error handler).
      const outcome = await services.executor.stream(plan, plan.request, context);
      served = outcome.served;
      reply.hijack();
      await relayStream(services, protocol, chat, plan, outcome, tracker, request.id, reply);
      return reply;
    } catch (thrown) {
      const error = toGatewayError(thrown);
      tracker.finish({
        status: error.spec.httpStatus,
        outcome: error.code,
        errorMessage: error.message,
        ...(served === undefined ? {} : { served }),
      });
      throw thrown;
    }
  };
}

/** Writes a committed stream to the client; failures after commit travel in-band, never as a clean end. */
async function relayStream(
  services: GatewayServices,
  protocol: ClientProtocol,
  chat: ChatRequest,
  plan: ExecutionPlan,
  outcome: StreamOutcome,
  tracker: RequestTracker,
  requestId: string,
  reply: FastifyReply,
): Promise<void> {
  const headers = routingHeaders(requestId, plan, outcome);
  headers[OVERHEAD_HEADER] = tracker.overheadMs().toFixed(2);
  const writer = createSseWriter(reply.raw, headers);
  const encoder = protocol.createStreamEncoder(chat);
  const keepText = plan.logBodies;
  let completion = '';
  let usage: Usage | undefined;
  let failure: GatewayError | undefined;
  tracker.firstOutput(outcome.served);
  try {
    for await (const batch of outcome.parts) {
      // One string and one write per upstream read, however many parts it carried.
      let text = '';
      for (const part of batch) {
        text += encoder.encode(part);
        if (part.type === 'usage') usage = part.usage;
        else if (part.type === 'text-delta' && keepText) completion += part.text;
        else if (part.type === 'error') {
          failure = part.error;
          services.logger.warn(
            { requestId, code: part.error.code, err: part.error.message },
            'stream failed after commit',
          );
          break;
        }
      }
      await writer.write(text);
      if (failure !== undefined) break;
    }
  } catch (thrown) {
    // An error escaping the executor's stream still reaches the client in-band, never as a clean end.
    failure = toGatewayError(thrown);
    services.logger.error({ requestId, code: failure.code, err: failure.message }, 'stream aborted');
    await writer.write(encoder.encode({ type: 'error', error: failure }));
  }
  writer.end(failure === undefined ? encoder.end() : '');
  tracker.finish({
    status: 200,
    outcome: failure?.code ?? 'ok',
    ...(failure === undefined ? {} : { errorMessage: failure.message }),
    served: outcome.served,
    ...(usage === undefined ? {} : { usage }),
    ...(keepText ? { completion } : {}),
  });
}

/** The `priority` signal (low | normal | high) as a gate's priority class. */
function priorityClass(value: unknown): PriorityClass {
  return value === 'high' || value === 'low' ? value : 'normal';
}
