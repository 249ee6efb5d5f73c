/**
 * The one outbound HTTP transport. Every provider adapter sends through it; lint forbids opening
 * outbound HTTP anywhere else. One undici pool per origin is created on first use and reused for the
 * life of the process, so steady-state requests allocate no dispatchers and reuse warm connections.
 */

import { createRequire } from 'node:module';
import type { Pool as UndiciPool } from 'undici';
import { GatewayError, toGatewayError } from '../../core/errors.ts';
import type { InboundResponse, OutboundRequest } from './transport-types.ts';
import { UpstreamExchange } from './upstream-exchange.ts';

export type { HttpMethod, InboundResponse, OutboundRequest } from './transport-types.ts';

/**
 * undici's Pool alone. The package's entry point also loads fetch, WebSocket, its mocks and caches —
 * and, through them, Node's own bundled copy of undici: 3.5 MB more heap and 50 ms more startup for
 * nothing the gateway uses (docs/benchmarks.md). The path is covered by every transport test.
 */
const Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof UndiciPool;

export interface HttpTransport {
  /** Resolves when the response head arrives (any status); rejects with a `GatewayError` before that. */
  send(request: OutboundRequest): Promise<InboundResponse>;
  /** Waits for in-flight calls to finish and closes every pooled connection. */
  close(): Promise<void>;
}

/**
 * Idle keep-alive sockets are closed after this long unless the upstream's `Keep-Alive: timeout=` hint
 * says otherwise; short enough to beat typical upstream idle timeouts (nginx 75 s, Node 5 s) rarely.
 */
const KEEP_ALIVE_IDLE_MS = 4_000;
/** One request per connection at a time: LLM responses are long, and pipelining would queue behind them. */
const PIPELINING = 1;
/** Cached URL→pool lookups; URLs come from config so this stays small, the bound is only a guard. */
const MAX_CACHED_URLS = 1_024;

interface Route {
  readonly pool: UndiciPool;
  /** Path and query sent on the request line. */
  readonly path: string;
}

export function createHttpTransport(): HttpTransport {
  const poolsByOrigin = new Map<string, UndiciPool>();
  const routesByUrl = new Map<string, Route>();
  let closed = false;

  function routeFor(request: OutboundRequest): Route {
    const cached = routesByUrl.get(request.url);
    if (cached !== undefined) return cached;
    const { origin, path } = splitUrl(request.url);
    let pool = poolsByOrigin.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: request.maxConnections,
        pipelining: PIPELINING,
        connectTimeout: request.timeouts.connectMs,
        keepAliveTimeout: KEEP_ALIVE_IDLE_MS,
      });
      poolsByOrigin.set(origin, pool);
    }
    if (routesByUrl.size >= MAX_CACHED_URLS) routesByUrl.clear();
    const route: Route = { pool, path };
    routesByUrl.set(request.url, route);
    return route;
  }

  return {
    send(request) {
      if (closed) {
        return Promise.reject(new GatewayError('internal_error', 'The HTTP transport has been closed'));
      }
      let route: Route;
      try {
        route = routeFor(request);
      } catch (error) {
        return Promise.reject(toGatewayError(error));
      }
      const exchange = new UpstreamExchange(request.signal);
      // An already-aborted signal has rejected the exchange; there is nothing to send.
      if (request.signal.aborted) return exchange.responseHead;
      route.pool.dispatch(
        {
          path: route.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: request.timeouts.headersMs,
          bodyTimeout: request.timeouts.bodyIdleMs,
        },
        exchange,
      );
      return exchange.responseHead;
    },

    async close() {
      closed = true;
      const pools = [...poolsByOrigin.values()];
      poolsByOrigin.clear();
      routesByUrl.clear();
      await Promise.all(pools.map((pool) => pool.close()));
    },
  };
}

/** Split an absolute URL into its normalised origin and request-line path. */
function splitUrl(url: string): { origin: string; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new GatewayError('internal_error', `Invalid upstream URL: ${url}`, { cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GatewayError('internal_error', `Unsupported upstream URL scheme: ${parsed.protocol}`);
  }
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
