/** The shapes that cross the transport boundary: what an adapter sends and what it gets back. */

import type { ProviderTimeouts } from '../../core/model.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OutboundRequest {
  /** Absolute URL including any query string. */
  readonly url: string;
  readonly method: HttpMethod;
  /** Header names should be lower-case, so a name is never sent twice with different cases. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborting it aborts the upstream call; a `GatewayError` reason is surfaced as-is. */
  readonly signal: AbortSignal;
  readonly timeouts: ProviderTimeouts;
  /** Keep-alive connections held for this request's origin (the first request to an origin sets it). */
  readonly maxConnections: number;
}

export interface InboundResponse {
  readonly status: number;
  /** Lower-case names; repeated headers are joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The body as it arrives, one byte chunk at a time, with no copies. Consume it once, by iterating or
   * with `text()`/`json()`. A reset, an idle timeout or an abort in the middle of the body is thrown
   * from the iterator as a `GatewayError`; stopping the iteration early aborts the upstream call.
   */
  readonly body: AsyncIterable<Uint8Array>;
  /** The whole body decoded as UTF-8. */
  text(): Promise<string>;
  /** The whole body parsed as JSON; invalid JSON rejects with `upstream_bad_response`. */
  json(): Promise<unknown>;
}
