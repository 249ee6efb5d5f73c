/**
 * The resolved configuration: validated, cross-referenced, defaults and catalog data filled in, frozen.
 * Hot paths read only these objects; nothing here is parsed or looked up per request.
 */

import type { ProviderTimeouts, ResolvedModel } from '../core/model.ts';
import type { BreakerSettings } from '../executor/circuit-breaker.ts';
import type { RetrySettings } from '../executor/retry-policy.ts';
import type { SignalValue, SignalValues } from '../features/signal-types.ts';
import type { SimModelProfile } from '../sim/types.ts';
import type { ComplexitySettings } from '../features/complexity.ts';
import type { LearnedRouter } from '../learning/router/predict.ts';

export type ProviderType = 'openai' | 'openai-compatible' | 'anthropic' | 'gemini' | 'sim' | 'replay';

/** The vendor wire formats the simulator speaks (and the adapters that reach it). */
export type SimWire = 'openai' | 'anthropic' | 'gemini';

/** How the API key is presented upstream (OpenAI: `Authorization: Bearer`; Azure: `api-key`). */
export interface ProviderAuth {
  readonly header: string;
  /** Prefix before the key, e.g. `Bearer `; empty for a bare key. */
  readonly prefix: string;
}

/** Per-model behaviour of the simulator; defined with the simulator, re-exported for config. */
export type { SimModelProfile } from '../sim/types.ts';

export interface SimProviderSettings {
  /** `zero` removes every delay (for overhead benchmarks); `realistic` follows the profiles. */
  readonly latency: 'zero' | 'realistic';
  readonly seed: number;
  readonly wire: SimWire;
  readonly profiles: Readonly<Record<string, SimModelProfile>>;
}

/** A `replay` provider: recorded outcomes served as answers, matched by prompt. */
export interface ReplayProviderSettings {
  /** The outcomes JSONL file, absolute. */
  readonly outcomesPath: string;
  /** A prompt without a recording for the model: fail, or answer with simulated text. */
  readonly onMiss: 'error' | 'simulate';
  /** `recorded` waits each outcome's latency_ms before answering. */
  readonly latency: 'zero' | 'recorded';
  /** The model ids the file records outcomes for (what a model's `upstream` may name). */
  readonly recordedModels: readonly string[];
}

export interface ResolvedProvider {
  readonly name: string;
  readonly type: ProviderType;
  /** Base URL up to and including the version segment, without a trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  readonly auth: ProviderAuth;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra query parameters on every call (Azure's `api-version`). */
  readonly query: Readonly<Record<string, string>>;
  readonly timeouts: ProviderTimeouts;
  /** Keep-alive connections held open to this upstream. */
  readonly maxConnections: number;
  /** Client request headers copied to this upstream verbatim (lower-case names). */
  readonly forwardHeaders: readonly string[];
  /**
   * Output cap sent when the client gives none, for wire formats that require one (Anthropic);
   * undefined means the model's own maximum.
   */
  readonly defaultMaxTokens: number | undefined;
  /** Present for `type: sim` only. */
  readonly sim: SimProviderSettings | undefined;
  /** Present for `type: replay` only (optional, so providers built by hand in tests need not say). */
  readonly replay?: ReplayProviderSettings | undefined;
}

export interface ResolvedRoute {
  readonly name: string;
  readonly strategy: 'single' | 'fallback' | 'split' | 'cascade' | 'learned';
  /** Model ids, in the order they are tried. */
  readonly targets: readonly string[];
  /** `split`: one weight per target. */
  readonly weights: readonly number[] | undefined;
  /** `split`: the signal whose value keeps a request on one target. */
  readonly sticky: string;
  /** When no target can hold the request. */
  readonly contextOverflow: 'reject' | 'reroute' | 'trim' | 'summarize';
  /** `reroute`: the model that takes what fits nowhere else. */
  readonly rerouteTo: string | undefined;
  /** `summarize`: the model that condenses older history. */
  readonly summarizeWith: string | undefined;
  /** Same-target retries of this route's attempts. */
  readonly retry: RetrySettings;
  /** End-to-end deadline of a request on this route. */
  readonly deadlineMs: number;
  /** Streams: abandon a target that has not sent its first token within this many ms. */
  readonly firstTokenMs: number | undefined;
  /** Streams: when output starts reaching the client, and what a cut after that does. */
  readonly commit: CommitSettings;
  /** Start the next target while the first is still silent (undefined: never). */
  readonly hedge: HedgeSettings | undefined;
  /** Store this route's prompts and completions in the request log. */
  readonly logBodies: boolean;
  /** `strategy: cascade`: how each answer but the last is verified before it is accepted. */
  readonly cascade: CascadeSettings | undefined;
  /** A verification pass every answer of this route must pass before it goes out. */
  readonly verify: VerifySettings | undefined;
  /** `strategy: learned`: the router and the trade-off that pick the target. */
  readonly learned: LearnedRouteSettings | undefined;
  /** What happens to a request feature a target cannot carry. */
  readonly onUnsupported: 'strict' | 'lenient';
  /** The compiled `match` rule; undefined for routes reached only by name or as the default. */
  readonly match: RouteRule | undefined;
  /** Serves every request its rule holds for, even one naming another model or route. */
  readonly pinned: boolean;
  /** Tags a target must carry to serve this route. */
  readonly requireTags: readonly string[];
}

export interface CommitSettings {
  /** `first-token`: output flows at once; `buffer`: held until complete or `bufferChars` long. */
  readonly mode: 'first-token' | 'buffer';
  readonly bufferChars: number;
  /** After commit, a cut stream continues on the next target that takes assistant prefill. */
  readonly resume: 'off' | 'prefill';
}

/** Free checks of an answer's text and shape. */
export interface AnswerRules {
  readonly rejectRefusals: boolean;
  readonly rejectTruncated: boolean;
  /** When the request asked for JSON: the answer must parse and fit its json_schema. */
  readonly rejectInvalidJson: boolean;
  readonly pattern: RegExp | undefined;
  /** Top-level fields a JSON answer must have. */
  readonly requiredFields: readonly string[];
}

/** A model that grades an answer 0–10. */
export interface VerifierModelSettings {
  readonly model: string;
  readonly minScore: number;
  /** Replaces the built-in grading instructions. */
  readonly instructions: string | undefined;
}

export interface WebhookSettings {
  readonly url: string;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface CascadeSettings {
  readonly rules: AnswerRules;
  /** Escalate below this geometric-mean token probability (targets that return logprobs). */
  readonly minConfidence: number | undefined;
  readonly verifier: VerifierModelSettings | undefined;
  readonly webhook: WebhookSettings | undefined;
  /** A verifier that fails or answers nonsense: escalate, or accept the answer. */
  readonly onVerifierError: 'escalate' | 'accept';
  /** Stop escalating once the request has spent this much. */
  readonly maxCostUsd: number | undefined;
  /** The deadline or the cost budget ended the cascade before an answer was accepted. */
  readonly onExhausted: 'error' | 'last_answer';
}

export interface VerifySettings {
  readonly verifier: VerifierModelSettings;
  readonly onReject: 'refuse' | 'escalate';
  /** `escalate`: the model that answers instead. */
  readonly escalateTo: string;
  readonly refusalText: string;
}

export type LearnedPolicy =
  | { readonly kind: 'max-utility'; readonly lambda: number }
  | { readonly kind: 'quality-target'; readonly target: number }
  | {
      readonly kind: 'strong-weak';
      readonly strong: string;
      readonly weak: string;
      readonly threshold: number;
    };

export interface LearnedRouteSettings {
  /** The loaded artifact (its weights are typed arrays: never written, and exempt from freezing). */
  readonly router: LearnedRouter;
  readonly routerPath: string;
  readonly policy: LearnedPolicy;
  /** Target id → the router's model name. */
  readonly modelNames: Readonly<Record<string, string>>;
  /** Cost per target: the router's recorded means, or prices × this request's tokens. */
  readonly costs: 'router' | 'prices';
}

export interface HedgeSettings {
  /** Silence of the first target before the next starts. */
  readonly afterMs: number;
  /** Use this quantile of the first target's observed time to first token instead, once known. */
  readonly quantile: number | undefined;
}

/** A throttled gate in front of one deployment. */
export interface GateLimits {
  readonly maxConcurrency: number;
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
}

/** One place a model is served: a provider and the name it has there. */
export interface ResolvedDeployment {
  /** `provider/upstream`: the key of its circuit, gate and load figures. */
  readonly id: string;
  /** The model as this deployment serves it: the same id, its own provider and upstream name. */
  readonly model: ResolvedModel;
  readonly weight: number;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly gate: GateLimits | undefined;
}

export interface ModelDeployments {
  readonly balance: 'weighted' | 'least-in-flight' | 'latency';
  /** At least one; the first is the model's own provider and upstream. */
  readonly deployments: readonly ResolvedDeployment[];
}

/** A compiled rule (routing/rules), as routing reads it: evaluated per request, with what it read. */
export interface RouteRule {
  readonly source: string;
  evaluateTraced(values: SignalValues): {
    readonly result: boolean;
    readonly reads: readonly { readonly name: string; readonly value: SignalValue | undefined }[];
  };
}

export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  /** Longest a client may take to send its request (slowloris guard). */
  readonly requestTimeoutMs: number;
  /** Recent requests' routing records kept in memory. */
  readonly requestRecords: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface RequestLogSettings {
  readonly store: 'sqlite' | 'postgres' | 'memory' | 'off';
  readonly path: string;
  /** `postgres` only (required there). */
  readonly url: string | undefined;
  readonly retentionHours: number;
  readonly queueSize: number;
  readonly batchSize: number;
  readonly flushMs: number;
  /** Store prompts and completions, for routes that do not say (and models named directly). */
  readonly bodies: boolean;
  /** Extra redaction patterns (sources) for stored bodies. */
  readonly redact: readonly string[];
}

export interface TracingSettings {
  readonly otlpEndpoint: string;
  readonly serviceName: string;
  readonly sampleRatio: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SignalSettings {
  readonly complexity: ComplexitySettings;
  /** Absent: no intent classifier; rules cannot read `intent`. */
  readonly intent: IntentSettings | undefined;
}

/** Where the intent classifier comes from; file paths are absolute. */
export type IntentSource =
  | { readonly kind: 'model'; readonly path: string }
  | { readonly kind: 'data'; readonly path: string }
  | { readonly kind: 'examples'; readonly examples: Readonly<Record<string, readonly string[]>> };

export interface IntentSettings {
  readonly source: IntentSource;
  /** Classify by nearest centroid over this model's embeddings instead of in process. */
  readonly embeddingsModel: string | undefined;
  /** Overrides the calibrated out-of-scope threshold. */
  readonly minConfidence: number | undefined;
}

export interface ResolvedConfig {
  /** Short content hash of the source config, recorded with every request. */
  readonly version: string;
  readonly server: ServerSettings;
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  readonly models: ReadonlyMap<string, ResolvedModel>;
  /** Model id → where it is served; every model has an entry. */
  readonly deployments: ReadonlyMap<string, ModelDeployments>;
  readonly routes: ReadonlyMap<string, ResolvedRoute>;
  readonly defaultRoute: string;
  /** For requests naming a model directly, and routes that do not say. */
  readonly onUnsupported: 'strict' | 'lenient';
  /** Retries for requests naming a model directly, and the default of every route. */
  readonly retry: RetrySettings;
  /** The deadline for requests naming a model directly, and the default of every route. */
  readonly deadlineMs: number;
  readonly circuitBreaker: BreakerSettings;
  readonly requestLog: RequestLogSettings;
  /** Serve GET /metrics. */
  readonly metricsEnabled: boolean;
  /** OTLP trace export; undefined when no endpoint is configured. */
  readonly tracing: TracingSettings | undefined;
  /** Tenant name → tags every target serving that tenant must carry. */
  readonly tenantTags: ReadonlyMap<string, readonly string[]>;
  /** Tuning of the text signals. */
  readonly signals: SignalSettings;
  /** Providers switched off because an environment variable they require is unset (for the log). */
  readonly inactiveProviders: readonly { readonly name: string; readonly missingEnv: readonly string[] }[];
}
