/**
 * A second reference line: the frameworks Switchyard is built on — fastify in, an undici pool out, the
 * JSON body parsed and re-serialised, the answer parsed and re-sent (streams passed through as bytes) —
 * and none of its features. Between the bare proxy and this lies the cost of the frameworks; between
 * this and Switchyard, the cost of Switchyard's own work.
 *
 *   node bench/framework-proxy.ts --port 8791 --upstream http://127.0.0.1:8789
 */
import Fastify from 'fastify';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } },
  strict: true,
});
if (values.upstream === undefined) throw new Error('framework-proxy: --upstream is required');

// Enough connections that the pool never queues at the benchmark's highest concurrency.
const upstream = new Pool(values.upstream, { connections: 256 });
const server = Fastify({ logger: false });

server.post('/v1/chat/completions', async (request, reply) => {
  const body = request.body as { stream?: boolean };
  const answer = await upstream.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (body.stream !== true) return reply.status(answer.statusCode).send(await answer.body.json());
  reply.hijack();
  reply.raw.writeHead(answer.statusCode, { 'content-type': 'text/event-stream' });
  for await (const chunk of answer.body) reply.raw.write(chunk as Buffer);
  reply.raw.end();
  return reply;
});

await server.listen({ port: Number(values.port), host: '127.0.0.1' });
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
