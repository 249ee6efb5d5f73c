/**
 * `switchyard eval`'s client of the in-process gateway: one non-streamed chat completion per outcome row,
 * through the one outbound transport, keeping only what eval scores — which route decided, which model
 * (on which provider) served, or the error code. A failed request's route comes from its record
 * (`GET /v1/requests/{id}`), since error answers carry no routing headers.
 */

import { GatewayError } from '../core/errors.ts';
import { createHttpTransport } from '../providers/transport/http-transport.ts';

/** Replayed answers are immediate; these only bound a gateway that hangs. */
const TIMEOUTS = { connectMs: 5_000, headersMs: 300_000, bodyIdleMs: 120_000 };

export interface EvalCall {
  readonly ok: boolean;
  /** `x-switchyard-route`, or the route in a failed request's record; undefined when routing never decided. */
  readonly route: string | undefined;
  /** `x-switchyard-model` and `x-switchyard-provider` of a served request. */
  readonly servedModel: string | undefined;
  readonly provider: string | undefined;
  /** The gateway's error code; `http_<status>` without one; `client_<reason>` when it was not reached. */
  readonly errorCode: string | undefined;
  /**
   * Other models that answered before the served one (a cascade's rejected steps, an escalation's first
   * answer): each was paid for. Read from the request's record when it made more than one attempt.
   */
  readonly alsoAnswered?: readonly { readonly model: string; readonly provider: string }[];
}

export interface EvalClient {
  send(body: Readonly<Record<string, unknown>>): Promise<EvalCall>;
  close(): Promise<void>;
}

export function createEvalClient(baseUrl: string, maxConnections: number): EvalClient {
  const transport = createHttpTransport();
  const call = async (path: string, body: string | undefined) => {
    const response = await transport.send({
      url: `${baseUrl}${path}`,
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(TIMEOUTS.headersMs),
      timeouts: TIMEOUTS,
      maxConnections,
    });
    return { response, text: await response.text() };
  };

  const routeOfRecord = async (requestId: string | undefined): Promise<string | undefined> => {
    if (requestId === undefined) return undefined;
    const { response, text } = await call(`/v1/requests/${encodeURIComponent(requestId)}`, undefined);
    if (response.status !== 200) return undefined;
    const route = asRecord(asRecord(parseJson(text))?.decision)?.route;
    return typeof route === 'string' ? route : undefined;
  };

  /** Answering attempts of a served request besides the last one (verifier calls are not answers). */
  const otherAnswers = async (
    requestId: string | undefined,
  ): Promise<{ model: string; provider: string }[]> => {
    if (requestId === undefined) return [];
    const { response, text } = await call(`/v1/requests/${encodeURIComponent(requestId)}`, undefined);
    const attempts = response.status === 200 ? asRecord(parseJson(text))?.attempts : undefined;
    if (!Array.isArray(attempts)) return [];
    const answered = attempts
      .map(asRecord)
      .filter((attempt) => attempt?.outcome === 'ok' && attempt.purpose !== 'verifier')
      .map((attempt) => ({ model: String(attempt?.target), provider: String(attempt?.provider) }));
    return answered.slice(0, -1);
  };

  return {
    async send(body) {
      try {
        const { response, text } = await call('/v1/chat/completions', JSON.stringify(body));
        const headers = response.headers;
        if (response.status === 200) {
          const attempts = Number(headers['x-switchyard-attempts'] ?? '1');
          return {
            ok: true,
            route: headers['x-switchyard-route'],
            servedModel: headers['x-switchyard-model'],
            provider: headers['x-switchyard-provider'],
            errorCode: undefined,
            ...(attempts > 1 ? { alsoAnswered: await otherAnswers(headers['x-switchyard-request-id']) } : {}),
          };
        }
        const code = asRecord(asRecord(parseJson(text))?.error)?.code;
        return {
          ok: false,
          route: await routeOfRecord(headers['x-switchyard-request-id']),
          servedModel: undefined,
          provider: undefined,
          errorCode: typeof code === 'string' ? code : `http_${response.status}`,
        };
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        // The transport words failures for upstreams; from eval's side the gateway is the far end.
        const reason = error.code.replace(/^upstream_/, '');
        return {
          ok: false,
          route: undefined,
          servedModel: undefined,
          provider: undefined,
          errorCode: `client_${reason}`,
        };
      }
    },
    close: () => transport.close(),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
