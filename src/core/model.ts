/** What the gateway knows about a model and the provider that serves it, after config resolution. */

export type TokenizerFamily = 'o200k' | 'cl100k' | 'estimate';

/** USD per one million tokens. */
export interface ModelPricing {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  readonly cachedInputPerMillion?: number;
  readonly cacheWritePerMillion?: number;
}

/** What a model can be asked to do. Generic code reads these; it never asks which vendor it is. */
export interface ModelCapabilities {
  readonly tools: boolean;
  readonly parallelToolCalls: boolean;
  readonly jsonObject: boolean;
  readonly jsonSchema: boolean;
  readonly vision: boolean;
  readonly logprobs: boolean;
  readonly assistantPrefill: boolean;
}

export interface ResolvedModel {
  /** The id clients and routes use. */
  readonly id: string;
  /** Name of the provider instance (a key of `providers:` in config). */
  readonly provider: string;
  /** The model name sent upstream. */
  readonly upstreamModel: string;
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  readonly pricing: ModelPricing;
  readonly capabilities: ModelCapabilities;
  readonly tokenizer: TokenizerFamily;
  /** Compliance tags of the model and its provider (region, zero data retention, …), for route filters. */
  readonly tags: readonly string[];
  /** Where the window/price figures came from: `config`, `catalog` or `default`. */
  readonly source: 'config' | 'catalog' | 'default';
  /** One line from config on what the model is for (shown in catalog snapshots); optional so fixtures need not set it. */
  readonly note?: string | undefined;
}

export interface ProviderTimeouts {
  /** TCP+TLS connect. */
  readonly connectMs: number;
  /** From sending the request to receiving response headers (covers time to first token for streams). */
  readonly headersMs: number;
  /** Longest silence between two body chunks (stream idle timeout). */
  readonly bodyIdleMs: number;
}
