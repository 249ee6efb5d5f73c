/**
 * The "why" endpoints: `GET /v1/requests/{id}` returns a request's record — in flight, its decision and
 * attempts so far; finished, its request-log row (decision, attempts, tokens, cost, latency, outcome); `POST /v1/route/explain` routes an OpenAI chat-completions body without calling
 * any model and returns the decision.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/errors.ts';
import type { GatewayServices } from '../gateway-services.ts';
import { explainRouting } from '../../routing/explain.ts';
import { decodeChatCompletionRequest } from '../protocol/openai/decode-request.ts';

export function requestRecordHandler(services: GatewayServices) {
  return async function getRequestRecord(
    request: FastifyRequest<{ Params: { id: string } }>,
  ): Promise<unknown> {
    const id = request.params.id;
    const recent = services.recent.get(id);
    if (recent !== undefined) return recent;
    const stored = await services.requestLog?.get(id);
    if (stored !== undefined) return { ...stored, state: 'complete' };
    const kept =
      services.requestLog === undefined
        ? `older than the last ${services.recent.capacity} requests kept in memory (request_log is off)`
        : 'not in the request log (or past its retention)';
    throw new GatewayError('request_not_found', `No record of request '${id}': it is unknown or ${kept}.`, {
      param: 'id',
    });
  };
}

export function explainHandler(services: GatewayServices) {
  return async function explainRoute(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const chat = decodeChatCompletionRequest(request.body);
    return reply.send(await explainRouting(services.planner, services.signals, chat, request.headers));
  };
}
