/** The HTTP surface: one line per route; errors leave in the client's own error shape. */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { newId } from '../core/ids.ts';
import { fromFrameworkError } from './fastify-errors.ts';
import type { GatewayServices } from './gateway-services.ts';
import { encodeOpenAIError } from './protocol/openai/encode-error.ts';
import { REQUEST_ID_HEADER } from './response-headers.ts';
import { chatCompletionsHandler } from './routes/chat-completions.ts';
import { healthHandler, readinessHandler } from './routes/health.ts';
import { modelsHandler } from './routes/models.ts';
import { GatewayError } from '../core/errors.ts';

export type GatewayHttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

export function createHttpServer(services: GatewayServices): GatewayHttpServer {
  const server = Fastify({
    loggerInstance: services.logger,
    // One log line per request would cost more than the rest of the hot path; failures are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: services.config.server.bodyLimitBytes,
    requestTimeout: services.config.server.requestTimeoutMs,
    genReqId: () => newId('req'),
    return503OnClosing: true,
  });

  // The APIs speak JSON only; a text body is a client mistake worth a clear 415, not a type error.
  server.removeContentTypeParser('text/plain');

  server.post('/v1/chat/completions', chatCompletionsHandler(services));
  server.get('/v1/models', modelsHandler(services.config));
  server.get('/healthz', healthHandler);
  server.get('/readyz', readinessHandler(services));

  server.setNotFoundHandler((request, reply) => {
    const error = new GatewayError(
      'route_not_found',
      `No such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}`,
    );
    void reply.status(404).header(REQUEST_ID_HEADER, request.id).send(encodeOpenAIError(error));
  });

  server.setErrorHandler((thrown, request, reply) => {
    const error = fromFrameworkError(thrown);
    const spec = error.spec;
    const logFields = {
      requestId: request.id,
      code: error.code,
      upstreamStatus: error.details.upstreamStatus,
      err: error.message,
    };
    if (spec.logLevel === 'error') services.logger.error(logFields, 'request failed');
    else if (spec.logLevel === 'warn') services.logger.warn(logFields, 'request failed');
    else services.logger.debug(logFields, 'request rejected');
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (error.details.retryAfterMs !== undefined)
      void reply.header('retry-after', String(Math.ceil(error.details.retryAfterMs / 1000)));
    void reply.status(spec.httpStatus).send(encodeOpenAIError(error));
  });

  return server;
}
