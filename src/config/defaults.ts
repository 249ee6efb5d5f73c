/**
 * Every default the configuration applies, in one place. The schema shows these to editors (through the
 * JSON Schema) and the resolver fills them in; nothing else in the gateway invents a config value.
 */

import type { ModelCapabilities } from '../core/model.ts';
import type { ServerSettings } from './resolved.ts';

export const SERVER_DEFAULTS = {
  // Listen on every interface: the gateway usually runs in a container.
  host: '0.0.0.0',
  // The port most HTTP services and examples use.
  port: 8080,
  // 4 MiB holds a long conversation with a few images; larger bodies are rejected with 413.
  bodyLimitBytes: 4 * 1024 * 1024,
  // A client gets 30 s to send its request; slower senders are cut off (slowloris guard).
  requestTimeoutMs: 30_000,
  // Each routing record is a few KB; a thousand answer "why did that request go there" for the last
  // seconds to minutes of traffic without weighing on memory. The persistent request log keeps the rest.
  requestRecords: 1_000,
  // One line per request; `debug` adds routing detail.
  logLevel: 'info',
} as const satisfies ServerSettings;

export const PROVIDER_DEFAULTS = {
  // OpenAI's public API, for `type: openai` without a base_url.
  openaiBaseUrl: 'https://api.openai.com/v1',
  anthropic: {
    baseUrl: 'https://api.anthropic.com/v1',
    auth: { header: 'x-api-key', scheme: 'none' },
    // The Messages API version every current Anthropic feature is documented against.
    version: '2023-06-01',
  },
  gemini: {
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    auth: { header: 'x-goog-api-key', scheme: 'none' },
  },
  // The header that carries the API key.
  authHeader: 'authorization',
  // `Authorization: Bearer <key>` is what OpenAI and nearly every compatible server expect.
  authScheme: 'bearer',
  timeouts: {
    // TCP + TLS handshake; a healthy upstream connects in well under a second.
    connectMs: 10_000,
    // Until response headers: a non-streamed answer arrives whole, so this covers a long generation.
    headersMs: 300_000,
    // Longest silence inside a stream; reasoning models can think for a minute before the next chunk.
    bodyIdleMs: 120_000,
  },
  // Keep-alive connections per upstream; streams hold one each for their whole duration.
  maxConnections: 256,
  // Real upstreams receive no client headers unless listed.
  forwardHeaders: [] as readonly string[],
  // The simulator honours a per-request fault header, so clients may send it through.
  simForwardHeaders: ['x-sim-fault'] as readonly string[],
  // Simulated delays follow the model profiles; `zero` is for overhead benchmarks.
  simLatency: 'realistic',
  // A fixed seed makes simulated latencies and faults reproducible run to run.
  simSeed: 1,
  // The simulator speaks OpenAI's format unless a provider asks for Anthropic's or Gemini's.
  simWire: 'openai',
} as const;

/**
 * What a model is assumed able to do when neither config nor the catalog says: whatever its wire format
 * can carry (the adapter narrows these). A feature known to be absent — config or catalog says `false`,
 * or the format cannot express it — is refused or dropped before the call (`on_unsupported`); an unknown
 * one is passed on and the upstream's own answer is the last word, so a self-hosted model nobody has
 * described is not locked out of tools or JSON mode.
 */
export const CAPABILITY_DEFAULTS: ModelCapabilities = {
  tools: true,
  parallelToolCalls: true,
  jsonObject: true,
  jsonSchema: true,
  vision: true,
  logprobs: true,
  assistantPrefill: true,
};

export const ROUTING_DEFAULTS = {
  // A request is never silently changed unless the config says so.
  onUnsupported: 'strict',
  // One conversation stays on one model of a split (canary) route.
  splitSticky: 'conversation_id',
  // A request that fits no target is an error unless a route says how to fit it.
  contextOverflow: 'reject',
  // Same-target retries are off by default: clients' SDKs retry already, and retries on two layers
  // multiply an outage's load. Routes opt in; fallback chains are the gateway's first answer.
  // Five server-side failures in 30 s take a deployment out for 30 s, then one request probes it.
  circuitBreaker: { failureThreshold: 5, windowMs: 30_000, openMs: 30_000 },
  // Bounds every attempt, wait and fallback of one request; a non-streamed long answer fits in it.
  deadlineMs: 300_000,
  retry: { attempts: 1, baseDelayMs: 200, maxDelayMs: 2_000, maxRetryAfterMs: 5_000, budget: 3 },
} as const;

export const RESILIENCE_DEFAULTS = {
  // Output reaches the client as soon as it exists; buffering trades time to first token for invisibility.
  commit: 'first-token',
  // About 8k tokens: most answers complete inside the buffer, and a held answer stays small in memory.
  commitBufferChars: 32_768,
  // Continuing on another model changes the voice mid-answer; a route opts in.
  resume: 'off',
  // Each deployment gets an equal share unless weighted.
  deploymentWeight: 1,
  balance: 'weighted',
  // A queue as deep as a few gates' worth, and a wait a person tolerates before trying elsewhere.
  gate: { maxQueue: 64, queueTimeoutMs: 10_000 },
} as const;

export const VERIFICATION_DEFAULTS = {
  // The cheap checks are on unless turned off: a refusal, a cut answer or broken JSON is never worth keeping.
  rejectRefusals: true,
  rejectTruncated: true,
  rejectInvalidJson: true,
  // A verifier model scores 0–10; 7 is "correct, with at most minor issues" in its instructions.
  minScore: 7,
  // A webhook is a synchronous hop on the answer's path: give up well before a person would.
  webhookTimeoutMs: 5_000,
  // A cascade that cannot tell whether an answer is good treats it as not good enough.
  cascadeOnVerifierError: 'escalate',
  // When the deadline or cost budget ends a cascade early, the client gets the error, not a rejected answer.
  onExhausted: 'error',
  // A policy-sensitive route fails closed: no approval, no answer.
  verifyOnReject: 'refuse',
  refusalText: "I'm sorry, but I can't help with that request.",
} as const;

export const TELEMETRY_DEFAULTS = {
  requestLog: {
    // Embedded and durable with nothing to run; PostgreSQL when replicas share one log.
    store: 'sqlite',
    // In the working directory, unless SWITCHYARD_REQUEST_LOG_PATH says otherwise (requestLogPath).
    path: 'switchyard-requests.sqlite',
    // A week answers "what happened last Tuesday" and keeps a busy SQLite file to a few GB.
    retentionHours: 168,
    // Ten seconds of 1,000 req/s waiting out a slow disk before rows are dropped (and counted).
    queueSize: 10_000,
    // Large enough that one transaction carries a burst; small enough to write in a few ms.
    batchSize: 500,
    // A row reaches the store within 25 ms. Held longer, queued rows outlive the serving thread's young
    // collections and each one is copied by them, then promoted (docs/benchmarks.md).
    flushMs: 25,
  },
} as const;

/**
 * The one default read from the environment, at resolution (never in the JSON Schema): containers point
 * the SQLite file at a volume, tests at `:memory:`.
 */
export function defaultRequestLogPath(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.SWITCHYARD_REQUEST_LOG_PATH ?? TELEMETRY_DEFAULTS.requestLog.path;
}

export const MODEL_DEFAULTS = {
  // Output cap when neither config nor catalog gives one: what most servers allow without asking.
  maxOutputTokens: 4096,
} as const;
