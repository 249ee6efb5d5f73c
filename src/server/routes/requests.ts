/**
 * The "why" endpoints: `GET /v1/requests/{id}` returns a recent request's record (its routing decision,
 * attempts and outcome); `POST /v1/route/explain` routes an OpenAI chat-completions body without calling
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
    const record = services.requests.get(request.params.id);
    if (record === undefined) {
      throw new GatewayError(
        'request_not_found',
        `No record of request '${request.params.id}': it is unknown or older than the last ${services.requests.size} requests kept.`,
        { param: 'id' },
      );
    }
    return record;
  };
}

export function explainHandler(services: GatewayServices) {
  return async function explainRoute(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const chat = decodeChatCompletionRequest(request.body);
    return reply.send(explainRouting(services.planner, services.signals, chat, request.headers));
  };
}
