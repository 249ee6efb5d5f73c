/**
 * The provider adapter contract (version 1). Every upstream — OpenAI, an OpenAI-compatible server, the
 * simulator, later Anthropic and Gemini — is reached only through this interface.
 *
 * Error rules every adapter follows (the conformance suite checks them):
 * - `generate()` resolves with a complete response or rejects with a `GatewayError`.
 * - `stream()` rejects with a `GatewayError` if the upstream fails before the stream begins (bad status,
 *   connect error, timeout), so the executor can still fall back invisibly. Once it resolves, the
 *   iterable yields batches of parts (core/response.ts `StreamBatch`): `stream-start` first, and exactly
 *   one `finish` or one `error` part last; a body that ends without the format's end marker yields
 *   `error` with code `stream_truncated`.
 * - Aborting `context.signal` aborts the upstream call promptly.
 */

import type { ChatRequest } from '../core/request.ts';
import type { ChatResponse, StreamBatch } from '../core/response.ts';
import type { ModelCapabilities, ResolvedModel } from '../core/model.ts';

export const PROVIDER_CONTRACT_VERSION = 1;

export interface CallContext {
  readonly requestId: string;
  /** Aborted when the client disconnects or the deadline passes. */
  readonly signal: AbortSignal;
  /**
   * Extra headers for this call only (for example the simulator's fault-injection header forwarded
   * from the client). Adapters add them to the upstream request verbatim.
   */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/**
 * Request parameters a wire format can carry or not, whatever the model (model-dependent features are
 * `ModelCapabilities`). The gateway checks a request against both before sending it.
 */
export interface EmbeddingResult {
  readonly vectors: readonly Float32Array[];
  /** Input tokens as the upstream reported them (0 when it did not). */
  readonly inputTokens: number;
}

export interface ParameterSupport {
  readonly topK: boolean;
  readonly seed: boolean;
  /** presence_penalty and frequency_penalty. */
  readonly penalties: boolean;
}

export interface ProviderAdapter {
  readonly contractVersion: typeof PROVIDER_CONTRACT_VERSION;
  /** The provider instance name from config. */
  readonly name: string;
  /** The wire format family (`openai`, `openai-compatible`, `sim`, …). */
  readonly type: string;
  /**
   * What this adapter can carry for the given model. Config may narrow these per model; it never
   * widens them past what the wire format supports.
   */
  capabilities(model: ResolvedModel): ModelCapabilities;
  readonly parameters: ParameterSupport;
  generate(request: ChatRequest, model: ResolvedModel, context: CallContext): Promise<ChatResponse>;
  stream(
    request: ChatRequest,
    model: ResolvedModel,
    context: CallContext,
  ): Promise<AsyncIterable<StreamBatch>>;
  /**
   * Embeds texts with an embeddings model (`/v1/embeddings` on OpenAI-style servers). Absent when the
   * wire format has none. Vectors come back in the order of `texts`.
   */
  embed?(texts: readonly string[], model: ResolvedModel, context: CallContext): Promise<EmbeddingResult>;
  /** Readiness: can this provider take traffic (its dependencies initialised)? Cheap, no upstream call. */
  ready(): boolean;
  close(): Promise<void>;
}
