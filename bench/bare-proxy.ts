/**
 * The reference line: the least a Node gateway can do — receive a request, forward it over a keep-alive
 * pool, stream the answer back — with no parsing, routing or logging. What Switchyard adds beyond this
 * is the cost of its features; what this adds beyond direct is the cost of one extra hop in Node.
 *
 *   node bench/bare-proxy.ts --port 8790 --upstream http://127.0.0.1:8789
 */
import { Agent, createServer, request as upstreamRequest } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } },
  strict: true,
});
if (values.upstream === undefined) throw new Error('bare-proxy: --upstream is required');
const upstream = new URL(values.upstream);

// Enough sockets that the pool never queues at the benchmark's highest concurrency.
const upstreamAgent = new Agent({ keepAlive: true, maxSockets: 256 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

const server = createServer((incoming, outgoing) => {
  const forwardedHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) forwardedHeaders[name] = value;
  }
  const outbound = upstreamRequest(
    {
      agent: upstreamAgent,
      host: upstream.hostname,
      port: upstream.port,
      method: incoming.method,
      path: incoming.url,
      headers: forwardedHeaders,
    },
    (answer) => {
      const answerHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
      }
      outgoing.writeHead(answer.statusCode ?? 502, answerHeaders);
      // Flush every chunk as it comes so stream time-to-first-byte is not held back by buffering.
      answer.pipe(outgoing);
    },
  );
  outbound.on('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502);
    outgoing.end();
  });
  incoming.pipe(outbound);
});

server.listen(Number(values.port), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
