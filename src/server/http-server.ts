/** The HTTP surface: one line per route; errors leave in the client's own error shape. */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { newTimeOrderedId } from '../core/ids.ts';
import { fromFrameworkError } from './fastify-errors.ts';
import type { GatewayServices } from './gateway-services.ts';
import { ANTHROPIC_PROTOCOL } from './protocol/anthropic/protocol.ts';
import type { ClientProtocol } from './protocol/client-protocol.ts';
import { OPENAI_PROTOCOL } from './protocol/openai/protocol.ts';
import { REQUEST_ID_HEADER } from './response-headers.ts';
import { chatHandler } from './routes/chat.ts';
import { healthHandler, readinessHandler } from './routes/health.ts';
import { explainHandler, requestRecordHandler } from './routes/requests.ts';
import { modelsHandler } from './routes/models.ts';
import { GatewayError } from '../core/errors.ts';

export type GatewayHttpServer = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;

/** Errors leave in the shape of the API the client called; everything but Anthropic's path is OpenAI's. */
function protocolFor(url: string): ClientProtocol {
  return url.startsWith('/v1/messages') ? ANTHROPIC_PROTOCOL : OPENAI_PROTOCOL;
}

/**
 * No route declares a JSON schema (the client protocols decode and check requests themselves), so
 * fastify's schema compilers, Ajv and fast-json-stringify, are never used. Handing fastify these stand-ins
 * keeps it from loading them (~1.7 MB of heap after GC, ~100 modules). A route that declares a schema fails at
 * registration with this message instead of being half-checked.
 */
function noSchemaCompiler(): never {
  throw new Error(
    'http-server: routes declare no JSON schemas (requests are decoded by the client protocols)',
  );
}
const NO_SCHEMA_COMPILERS = {
  buildValidator: () => noSchemaCompiler,
  buildSerializer: () => noSchemaCompiler,
};

export function createHttpServer(services: GatewayServices): GatewayHttpServer {
  const server = Fastify({
    loggerInstance: services.logger,
    // One log line per request would cost more than the rest of the hot path; failures are logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify would build a child logger (bindings, redaction) for every request; the gateway's own log
    // lines carry the request id themselves, so every request shares the one logger.
    childLoggerFactory: (logger) => logger,
    bodyLimit: services.config.server.bodyLimitBytes,
    requestTimeout: services.config.server.requestTimeoutMs,
    genReqId: () => newTimeOrderedId('req'),
    return503OnClosing: true,
    schemaController: { compilersFactory: NO_SCHEMA_COMPILERS },
  });

  // The APIs speak JSON only; a text body is a client mistake worth a clear 415, not a type error.
  server.removeContentTypeParser('text/plain');

  server.post('/v1/chat/completions', chatHandler(services, OPENAI_PROTOCOL));
  server.post('/v1/messages', chatHandler(services, ANTHROPIC_PROTOCOL));
  server.get('/v1/models', modelsHandler(services.config));
  server.get('/v1/requests/:id', requestRecordHandler(services));
  // The statistics (and their histogram library) load on the first query, not with every gateway.
  server.get('/v1/stats', async (request) =>
    (await import('../telemetry/stats.ts')).queryStats(
      services.requestLog,
      request.query as Record<string, unknown>,
      Date.now(),
    ),
  );
  server.post('/v1/route/explain', explainHandler(services));
  server.get('/admin/circuits', async () => ({ circuits: services.breakers.snapshot() }));
  const metrics = services.metrics;
  if (metrics !== undefined) {
    server.get('/metrics', async (_request, reply) =>
      reply.header('content-type', metrics.contentType).send(await metrics.render()),
    );
  }
  server.get('/healthz', healthHandler);
  server.get('/readyz', readinessHandler(services));

  server.setNotFoundHandler((request, reply) => {
    const error = new GatewayError(
      'route_not_found',
      `No such endpoint: ${request.method} ${request.url.split('?')[0] ?? ''}`,
    );
    void reply
      .status(404)
      .header(REQUEST_ID_HEADER, request.id)
      .send(protocolFor(request.url).encodeError(error));
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
    void reply.status(spec.httpStatus).send(protocolFor(request.url).encodeError(error));
  });

  return server;
}
