import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayServices } from '../gateway-services.ts';

/** GET /healthz — the process is alive and serving HTTP. */
export async function healthHandler(_request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  return reply.send({ status: 'ok' });
}

/** GET /readyz — ready for traffic: not shutting down and every provider initialised. */
export function readinessHandler(services: GatewayServices) {
  return async function readiness(_request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const notReady = [...services.adapters.values()]
      .filter((adapter) => !adapter.ready())
      .map((adapter) => adapter.name);
    if (!services.accepting()) return reply.status(503).send({ status: 'shutting_down' });
    if (notReady.length > 0) return reply.status(503).send({ status: 'not_ready', providers: notReady });
    return reply.send({ status: 'ready', config_version: services.config.version });
  };
}
