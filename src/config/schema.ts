/**
 * The shape of `switchyard.yaml`, as zod schemas. Every object is strict, so a misspelt key is reported
 * with its path instead of being silently ignored. Defaults that depend on nothing else are declared here
 * (so the JSON Schema shows them to editors); the rest are applied by the resolver. Both read their values
 * from defaults.ts.
 */

import { z } from 'zod';
import { httpUrl, milliseconds, positiveInt, tagList } from './schema-primitives.ts';
import { onUnsupportedSchema, retrySchema, routeSchema } from './schema-route.ts';
import { signalsSchema } from './schema-signals.ts';
import { replayProviderKeys } from './schema-replay.ts';
import { deploymentLimitKeys, deploymentSchema } from './schema-resilience.ts';
import { metricsSchema, requestLogSchema, tracingSchema } from './schema-telemetry.ts';
import { PROVIDER_DEFAULTS, RESILIENCE_DEFAULTS, ROUTING_DEFAULTS, SERVER_DEFAULTS } from './defaults.ts';

const usdPerMillion = z.number().nonnegative();
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name');

const serverSchema = z
  .strictObject({
    host: z.string().min(1).default(SERVER_DEFAULTS.host),
    port: z.number().int().min(0).max(65_535).default(SERVER_DEFAULTS.port),
    body_limit_bytes: positiveInt.default(SERVER_DEFAULTS.bodyLimitBytes),
    request_timeout_ms: milliseconds.default(SERVER_DEFAULTS.requestTimeoutMs),
    request_records: z
      .number()
      .int()
      .nonnegative()
      .default(SERVER_DEFAULTS.requestRecords)
      .describe(
        'Recent requests GET /v1/requests/{id} finds in memory (0: none): those in flight, and finished ones when request_log is off (with a log, a finished row waits in its queue until the store has it).',
      ),
    log_level: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default(SERVER_DEFAULTS.logLevel),
  })
  .describe('The HTTP server the gateway listens on.');

const timeoutsSchema = z
  .strictObject({
    connect_ms: milliseconds.default(PROVIDER_DEFAULTS.timeouts.connectMs),
    headers_ms: milliseconds.default(PROVIDER_DEFAULTS.timeouts.headersMs),
    body_idle_ms: milliseconds.default(PROVIDER_DEFAULTS.timeouts.bodyIdleMs),
  })
  .describe('Upstream timeouts: connect, until response headers, and longest silence within a body.');

/** Keys every provider type accepts. */
const commonProviderKeys = {
  requires_env: z
    .array(envVarName)
    .default([])
    .describe('The provider is active only when every listed environment variable is set and non-empty.'),
  timeouts: timeoutsSchema.prefault({}),
  max_connections: positiveInt
    .default(PROVIDER_DEFAULTS.maxConnections)
    .describe('Keep-alive connections held open to this upstream.'),
  forward_headers: z
    .array(headerName)
    .optional()
    .describe('Client request headers copied upstream verbatim (default: none; sim: x-sim-fault).'),
  tags: tagList.default([]).describe('Compliance tags every model of this provider carries.'),
};

/** How the API key is sent; each vendor's own header is the default for its type. */
function authSchema(defaults: { readonly header: string; readonly scheme: 'bearer' | 'none' }) {
  return z
    .strictObject({
      header: headerName.default(defaults.header),
      scheme: z.enum(['bearer', 'none']).default(defaults.scheme),
    })
    .prefault({})
    .describe(`How the API key is sent (default: header ${defaults.header}, scheme ${defaults.scheme}).`);
}

/** Keys of providers reached over HTTP. */
const httpProviderKeys = {
  ...commonProviderKeys,
  api_key: z.string().optional().describe('Usually "${SOME_API_KEY}", interpolated from the environment.'),
  auth: authSchema({ header: PROVIDER_DEFAULTS.authHeader, scheme: PROVIDER_DEFAULTS.authScheme }),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent on every call.'),
  query: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra query parameters on every call (e.g. Azure api-version).'),
  catalog: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be a catalog provider id such as openai, groq or together')
    .optional()
    .describe('Catalog provider id used to look up windows and prices; inferred from base_url if absent.'),
};

const openaiProviderSchema = z.strictObject({
  type: z.literal('openai'),
  base_url: httpUrl.optional().describe(`Default ${PROVIDER_DEFAULTS.openaiBaseUrl}.`),
  ...httpProviderKeys,
});

const openaiCompatibleProviderSchema = z.strictObject({
  type: z.literal('openai-compatible'),
  base_url: httpUrl.describe('Base URL including the version segment, e.g. http://localhost:8000/v1.'),
  ...httpProviderKeys,
});

const anthropicProviderSchema = z.strictObject({
  type: z.literal('anthropic'),
  base_url: httpUrl.optional().describe(`Default ${PROVIDER_DEFAULTS.anthropic.baseUrl}.`),
  ...httpProviderKeys,
  auth: authSchema(PROVIDER_DEFAULTS.anthropic.auth),
  version: z
    .string()
    .min(1)
    .default(PROVIDER_DEFAULTS.anthropic.version)
    .describe('Sent as the anthropic-version header.'),
  default_max_tokens: positiveInt
    .optional()
    .describe(
      "max_tokens sent when the client gives none (Anthropic requires it); default the model's max output.",
    ),
});

const geminiProviderSchema = z.strictObject({
  type: z.literal('gemini'),
  base_url: httpUrl.optional().describe(`Default ${PROVIDER_DEFAULTS.gemini.baseUrl}.`),
  ...httpProviderKeys,
  auth: authSchema(PROVIDER_DEFAULTS.gemini.auth),
});

const simProfileSchema = z
  .strictObject({
    ttft_ms: z
      .strictObject({ median: milliseconds, p95: milliseconds })
      .optional()
      .describe('Time to first token (log-normal, given by median and p95).'),
    tokens_per_second: z.number().positive().optional(),
    context_window: positiveInt.optional(),
    faults: z.array(z.string().min(1)).optional().describe('Faults applied to every request for this model.'),
    reply: z
      .string()
      .min(1)
      .optional()
      .describe('A fixed answer to every plain-text request (scripted verifiers and refusals for tests).'),
  })
  .describe(
    'Overrides a built-in tier of the same name; a new name must give every field but faults and reply.',
  );

const simProviderSchema = z.strictObject({
  type: z.literal('sim'),
  ...commonProviderKeys,
  latency: z
    .enum(['zero', 'realistic'])
    .default(PROVIDER_DEFAULTS.simLatency)
    .describe('`zero` removes every simulated delay.'),
  seed: z.number().int().default(PROVIDER_DEFAULTS.simSeed),
  wire: z
    .enum(['openai', 'anthropic', 'gemini'])
    .default(PROVIDER_DEFAULTS.simWire)
    .describe(
      'Which vendor wire format the simulator speaks to the gateway (and which adapter it is reached by).',
    ),
  profiles: z.record(z.string(), simProfileSchema).default({}),
});

// Served in-process from a file: no connection keys, only the activation switch and tags.
const replayProviderSchema = z.strictObject({
  type: z.literal('replay'),
  requires_env: commonProviderKeys.requires_env,
  tags: commonProviderKeys.tags,
  ...replayProviderKeys,
});

export const providerSchema = z.discriminatedUnion('type', [
  openaiProviderSchema,
  openaiCompatibleProviderSchema,
  anthropicProviderSchema,
  geminiProviderSchema,
  simProviderSchema,
  replayProviderSchema,
]);

const pricingSchema = z
  .strictObject({
    input_per_million: usdPerMillion,
    output_per_million: usdPerMillion,
    cached_input_per_million: usdPerMillion.optional(),
    cache_write_per_million: usdPerMillion.optional(),
  })
  .describe('USD per million tokens. Given here, it replaces the catalog price as a whole.');

const capabilitiesSchema = z
  .strictObject({
    tools: z.boolean().optional(),
    parallel_tool_calls: z.boolean().optional(),
    json_object: z.boolean().optional(),
    json_schema: z.boolean().optional(),
    vision: z.boolean().optional(),
    logprobs: z.boolean().optional(),
    assistant_prefill: z.boolean().optional(),
  })
  .describe('Each flag: this value, else the catalog where it knows, else false.');

export const modelSchema = z.strictObject({
  provider: z.string().min(1).describe('A key of `providers`.'),
  upstream: z.string().min(1).optional().describe('Model name sent upstream (default: the model id).'),
  ...deploymentLimitKeys,
  deployments: z
    .array(deploymentSchema)
    .default([])
    .describe('More deployments of this model besides `provider`/`upstream`, balanced by `balance`.'),
  balance: z
    .enum(['weighted', 'least-in-flight', 'latency'])
    .default(RESILIENCE_DEFAULTS.balance)
    .describe(
      'How an attempt picks among the deployments: `weighted` draw, `least-in-flight`, or `latency` (EWMA of time to first token, power of two choices).',
    ),
  context_window: positiveInt.optional().describe('Tokens; default from the catalog or sim profile.'),
  max_output_tokens: positiveInt.optional(),
  pricing: pricingSchema.optional(),
  capabilities: capabilitiesSchema.optional(),
  tokenizer: z
    .enum(['o200k', 'cl100k', 'estimate'])
    .optional()
    .describe('Token counting family; inferred from the model name when absent.'),
  tags: tagList.default([]).describe('Compliance tags (region, zero data retention, …) routes can require.'),
  note: z.string().optional().describe('One line: what this model is for (catalog snapshots).'),
});

export const configDocumentSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    server: serverSchema.prefault({}),
    providers: z.record(z.string().min(1), providerSchema),
    models: z.record(z.string().min(1), modelSchema),
    routes: z.array(routeSchema).min(1),
    on_unsupported: onUnsupportedSchema.default(ROUTING_DEFAULTS.onUnsupported),
    retry: retrySchema.prefault({}),
    circuit_breaker: z
      .strictObject({
        failure_threshold: z
          .number()
          .int()
          .nonnegative()
          .default(ROUTING_DEFAULTS.circuitBreaker.failureThreshold)
          .describe('Failures of a deployment within window_ms that open its circuit; 0 disables breaking.'),
        window_ms: milliseconds.default(ROUTING_DEFAULTS.circuitBreaker.windowMs),
        open_ms: milliseconds
          .default(ROUTING_DEFAULTS.circuitBreaker.openMs)
          .describe('How long an open circuit sends traffic to fallbacks before one request probes it.'),
      })
      .prefault({})
      .describe(
        'Per deployment (model on its provider): stop calling one that keeps failing, probe it later.',
      ),
    signals: signalsSchema,
    request_log: requestLogSchema,
    metrics: metricsSchema,
    tracing: tracingSchema,
    deadline_ms: milliseconds
      .default(ROUTING_DEFAULTS.deadlineMs)
      .describe(
        'End-to-end deadline of a request: all attempts, retry waits and fallbacks; clients may set x-switchyard-deadline-ms.',
      ),
    tenants: z
      .record(
        z.string().min(1),
        z.strictObject({
          require_tags: tagList
            .default([])
            .describe("Tags every target serving this tenant must carry, on top of the route's."),
        }),
      )
      .default({})
      .describe('Per-tenant constraints, keyed by the `tenant` signal (x-switchyard-tenant for now).'),
    default_route: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Route used for `auto` requests no rule matches (default: the first route without `match`, else the first).',
      ),
  })
  .describe('Switchyard gateway configuration (switchyard.yaml).');

/** The document after validation, with schema defaults applied. */
export type ConfigDocument = z.output<typeof configDocumentSchema>;
export type ProviderDocument = z.output<typeof providerSchema>;
export type ModelDocument = z.output<typeof modelSchema>;
export type SimProfileDocument = z.output<typeof simProfileSchema>;
