/**
 * The fault suite's harness (issue 5): one simulator and one gateway per test file, over real sockets,
 * with an optional manual clock shared by both (the simulator's `for_ms` fault windows, the gateway's
 * circuit breakers). `stream()` / `send()` make one request and return everything a fault test asserts
 * on: status, routing headers, the assembled answer, how the stream ended (a clean `[DONE]`, an in-band
 * error event, or an end with neither — a truncated answer posing as success), the wall-clock time, and
 * the request record's attempts from `GET /v1/requests/{id}` with the gaps between them.
 *
 * Each file runs its scenarios once per commit mode, `describe.concurrent.each(COMMIT_MODES)` with
 * `it.sequential` inside: the two modes run side by side (their routes differ, and every fault carries
 * its own `key=`), while each mode's tests run one after another, so timing assertions stay meaningful.
 *
 * Expected differences between the commit modes, over the whole suite (the rows each file tests are
 * repeated at its top):
 *
 * | Scenario                              | commit: first-token                         | commit: buffer                                  |
 * |---------------------------------------|---------------------------------------------|-------------------------------------------------|
 * | 429 with Retry-After 2 s              | same target again after >= 2 s, clean       | same                                            |
 * | persistent 429, no Retry-After        | backoff retries, then the fallback, clean   | same                                            |
 * | 500 once then healthy                 | one backoff retry on the same target, clean | same                                            |
 * | persistent 503                        | retries, then the fallback; all down: 503   | same                                            |
 * | reset before headers                  | fallback at once, clean                     | same                                            |
 * | no response at all                    | fallback after first_token_ms, clean        | same                                            |
 * | first token after 20 s                | fallback after first_token_ms, clean        | same                                            |
 * | stream cut after 40 of 60 tokens      | 40 tokens, then an in-band error            | invisible fallback: one clean answer            |
 * | stream stall after 20 tokens          | 20 tokens, in-band error after body_idle_ms | invisible fallback after body_idle_ms           |
 * | malformed 10th chunk                  | 9 chunks, then an in-band error             | invisible fallback: one clean answer            |
 * | clean end without finish or [DONE]    | in-band error (stream_truncated)            | invisible fallback: one clean answer            |
 * | missing [DONE] (after a finish)       | accepted whole, clean, one attempt          | same                                            |
 * | context length exceeded               | never the same model again; fallback serves | same                                            |
 * | content-filter rejection              | never retried; alone: 400 with the reason   | same                                            |
 * | cut, resume: prefill, prefill fallback| continued there: one answer, two attempts   | fallback restarts unseen (no resume needed)     |
 * | cut, resume: prefill, no-prefill fb   | 40 tokens, then the original in-band error  | invisible fallback: one clean answer            |
 * | primary down 60 s (circuit)           | opens, fallback serves, probes, closes      | same                                            |
 * | fail-over accounting                  | fallback's model, usage and cost reported   | same                                            |
 */

import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';
import type { SimModelProfile } from '../../src/sim/types.ts';
import { BASE_PROFILES, MAX_TOKENS, QUESTION, type ManualClock } from './config.ts';
import {
  countPerTarget,
  gapsOf,
  parseCompletion,
  parseErrorBody,
  parseEventStream,
  type Exchange,
  type RequestRecordJson,
  type WireUsage,
} from './wire.ts';

export * from './config.ts';
export * from './expectations.ts';
export * from './wire.ts';

export interface AskOptions {
  /** One `x-sim-fault` spec; a fresh `key=` is added, so `times=`/`for_ms=` count for this request only. */
  readonly fault?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxTokens?: number;
}

export interface Reference {
  /** The answer's content deltas, one per simulated token. */
  readonly tokens: readonly string[];
  readonly text: string;
  readonly usage: WireUsage;
}

export interface FaultStack {
  readonly url: string;
  readonly simulator: RunningSimulator;
  readonly gateway: Gateway;
  stream(route: string, options?: AskOptions): Promise<Exchange>;
  send(route: string, options?: AskOptions): Promise<Exchange>;
  /** What an upstream model answers the suite's question, asked of the simulator directly. */
  reference(upstream: string): Promise<Reference>;
  /** What an upstream model answers when `prefix` is the start of its reply (Anthropic wire, prefill). */
  continuation(upstream: string, prefix: string): Promise<string>;
  circuits(): Promise<readonly { deployment: string; state: string }[]>;
  close(): Promise<void>;
}

export async function startFaultStack(options: {
  readonly config: string;
  readonly source: string;
  readonly profiles?: Readonly<Record<string, SimModelProfile>>;
  readonly clock?: ManualClock;
}): Promise<FaultStack> {
  const now = options.clock?.now;
  const simulator = await startSimulator({
    latency: 'realistic',
    profiles: options.profiles ?? BASE_PROFILES,
    ...(now === undefined ? {} : { now }),
  });
  const config = await loadConfigText(options.config, {
    env: { SIM_URL: simulator.url, SIM_ORIGIN: simulator.origin },
    source: options.source,
  });
  const gateway = await createGateway(config, pino({ level: 'silent' }), now === undefined ? {} : { now });
  const url = (await gateway.listen(0, '127.0.0.1')).url;
  const references = new Map<string, Promise<Reference>>();
  // Warm the whole path (modules, connection pool, simulator) once, so a test's first request is not
  // slowed by a cold start into its first-token limit. `primary` (sim-a) has no fault in any file.
  const warmUp = await postChat(url, { model: 'primary', stream: true }, {});
  await warmUp.text();
  if (warmUp.status !== 200) throw new Error(`warm-up request failed with ${warmUp.status}`);

  const ask = async (route: string, stream: boolean, ask: AskOptions = {}): Promise<Exchange> => {
    const headers: Record<string, string> = { ...ask.headers };
    if (ask.fault !== undefined) headers['x-sim-fault'] = `${ask.fault}; key=${randomUUID()}`;
    const started = performance.now();
    const response = await postChat(url, { model: route, stream, maxTokens: ask.maxTokens }, headers);
    const raw = await response.text();
    const elapsedMs = performance.now() - started;
    const parsed =
      response.status !== 200 ? parseErrorBody(raw) : stream ? parseEventStream(raw) : parseCompletion(raw);
    const requestId = response.headers.get('x-switchyard-request-id') ?? '';
    const record = await fetchRecord(url, requestId);
    return {
      status: response.status,
      headers: response.headers,
      requestId,
      model: response.headers.get('x-switchyard-model'),
      attemptsHeader: response.headers.get('x-switchyard-attempts'),
      ...parsed,
      elapsedMs,
      attempts: record.attempts,
      recordError:
        record.outcome === undefined || record.outcome === 'ok'
          ? undefined
          : { code: record.outcome, message: record.errorMessage ?? '' },
      ...gapsOf(record.attempts),
      perTarget: countPerTarget(record.attempts),
      errorPerTarget: countPerTarget(parsed.error?.attempts ?? []),
    };
  };

  return {
    url,
    simulator,
    gateway,
    stream: (route, options) => ask(route, true, options),
    send: (route, options) => ask(route, false, options),
    reference(upstream) {
      let reference = references.get(upstream);
      if (reference === undefined) {
        reference = askSimulator(simulator, upstream);
        references.set(upstream, reference);
      }
      return reference;
    },
    async continuation(upstream, prefix) {
      const response = await fetch(`${simulator.origin}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: upstream,
          max_tokens: MAX_TOKENS,
          messages: [
            { role: 'user', content: QUESTION },
            { role: 'assistant', content: prefix },
          ],
        }),
      });
      const body = (await response.json()) as { content: { text: string }[] };
      return body.content.map((block) => block.text).join('');
    },
    async circuits() {
      const response = await fetch(`${url}/admin/circuits`);
      return ((await response.json()) as { circuits: { deployment: string; state: string }[] }).circuits;
    },
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}

function postChat(
  url: string,
  request: { readonly model: string; readonly stream: boolean; readonly maxTokens?: number | undefined },
  headers: Readonly<Record<string, string>>,
): Promise<Response> {
  const body = {
    model: request.model,
    messages: [{ role: 'user', content: QUESTION }],
    max_tokens: request.maxTokens ?? MAX_TOKENS,
    ...(request.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function fetchRecord(url: string, requestId: string): Promise<RequestRecordJson> {
  const response = await fetch(`${url}/v1/requests/${requestId}`);
  if (response.status !== 200) throw new Error(`no request record for '${requestId}' (${response.status})`);
  return (await response.json()) as RequestRecordJson;
}

/** Streams the question straight from the simulator (no gateway, no fault): the model's own answer. */
async function askSimulator(simulator: RunningSimulator, upstream: string): Promise<Reference> {
  const response = await fetch(`${simulator.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: upstream,
      messages: [{ role: 'user', content: QUESTION }],
      max_tokens: MAX_TOKENS,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  const parsed = parseEventStream(await response.text());
  if (parsed.usage === undefined || parsed.ending !== 'done') {
    throw new Error(`the simulator gave no clean reference answer for '${upstream}'`);
  }
  return { tokens: parsed.tokens, text: parsed.text, usage: parsed.usage };
}
