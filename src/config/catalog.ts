/**
 * Model facts from maintained catalog packages instead of a hand-written table (see "Model catalog" in
 * docs/configuration.md for why these two):
 * - prices from @pydantic/genai-prices: exact figures incl. cache read/write, and match rules that map
 *   dated snapshots (claude-sonnet-4-20250514) to their entry;
 * - context window, output cap, tool and image support from tokenlens' per-provider models.dev data.
 * Each falls back to the other where it lacks a figure. Both read only their bundled data: neither
 * package's update/fetch function is ever called, so lookups work offline. The packages are imported on
 * first lookup, so a config without real providers pays nothing for them.
 */

import { z } from 'zod';
import type { ModelCapabilities, ModelPricing } from '../core/model.ts';

export interface CatalogEntry {
  readonly contextWindow?: number;
  readonly maxOutputTokens?: number;
  readonly pricing?: ModelPricing;
  /** Only the flags the catalog knows. */
  readonly capabilities: Partial<ModelCapabilities>;
}

/**
 * The catalog provider id (genai-prices' ids: openai, anthropic, google, groq, together, azure, …) whose
 * API pattern matches this base URL, e.g. https://api.groq.com/openai/v1 → groq.
 */
export async function catalogProviderForUrl(baseUrl: string): Promise<string | undefined> {
  const { findProvider } = await import('@pydantic/genai-prices');
  return findProvider({ providerApiUrl: baseUrl })?.id;
}

/** What the catalog knows about `model` as served by `catalogProvider`; undefined if nothing. */
export async function lookupCatalog(
  catalogProvider: string,
  model: string,
): Promise<CatalogEntry | undefined> {
  const [priced, described] = await Promise.all([
    lookupPrices(catalogProvider, model),
    lookupModelsDev(catalogProvider, model),
  ]);
  if (priced === undefined && described === undefined) return undefined;
  const contextWindow = described?.limit?.context ?? priced?.contextWindow;
  const maxOutputTokens = described?.limit?.output;
  const pricing = priced?.pricing ?? pricingFromModelsDev(described?.cost);
  const imageInput = described?.modalities?.input?.includes('image');
  const capabilities: Partial<ModelCapabilities> = {
    ...(described?.tool_call === undefined ? {} : { tools: described.tool_call }),
    ...(imageInput === undefined ? {} : { vision: imageInput }),
  };
  return {
    ...(contextWindow === undefined ? {} : { contextWindow }),
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
    ...(pricing === undefined ? {} : { pricing }),
    capabilities,
  };
}

interface PriceFacts {
  readonly pricing: ModelPricing | undefined;
  readonly contextWindow: number | undefined;
}

async function lookupPrices(catalogProvider: string, model: string): Promise<PriceFacts | undefined> {
  const { calcPrice } = await import('@pydantic/genai-prices');
  // A zero-token calculation returns the matched model and its current price table.
  const result = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: catalogProvider });
  if (result === null) return undefined;
  const perMillion = (key: string): number | undefined => {
    const price = result.model_price[key];
    // Tiered prices (Gemini above 200k tokens) start from their base rate.
    return typeof price === 'number' ? price : price?.base;
  };
  const input = perMillion('input_mtok');
  const output = perMillion('output_mtok');
  const cachedInput = perMillion('cache_read_mtok');
  const cacheWrite = perMillion('cache_write_mtok');
  const pricing =
    input === undefined || output === undefined
      ? undefined
      : {
          inputPerMillion: input,
          outputPerMillion: output,
          ...(cachedInput === undefined ? {} : { cachedInputPerMillion: cachedInput }),
          ...(cacheWrite === undefined ? {} : { cacheWritePerMillion: cacheWrite }),
        };
  return { pricing, contextWindow: result.model.context_window };
}

/** The fields of a models.dev entry we read; anything else in the data is ignored. */
const modelsDevEntrySchema = z.object({
  tool_call: z.boolean().optional(),
  modalities: z.object({ input: z.array(z.string()).optional() }).optional(),
  cost: z
    .object({
      input: z.number().optional(),
      output: z.number().optional(),
      cache_read: z.number().optional(),
      cache_write: z.number().optional(),
    })
    .optional(),
  limit: z.object({ context: z.number().optional(), output: z.number().optional() }).optional(),
});
type ModelsDevEntry = z.infer<typeof modelsDevEntrySchema>;

/** A tokenlens provider module exports one object (`groqModels`, …) holding that provider's models. */
const modelsDevProviderSchema = z.object({ models: z.record(z.string(), z.unknown()) });

/** genai-prices ids that models.dev spells differently. */
const MODELS_DEV_PROVIDER_KEYS: Readonly<Record<string, string>> = {
  together: 'togetherai',
  'x-ai': 'xai',
  fireworks: 'fireworks-ai',
};

async function lookupModelsDev(catalogProvider: string, model: string): Promise<ModelsDevEntry | undefined> {
  const key = MODELS_DEV_PROVIDER_KEYS[catalogProvider] ?? catalogProvider;
  if (!/^[a-z0-9-]+$/.test(key)) return undefined;
  let loaded: unknown;
  try {
    loaded = await import(`tokenlens/providers/${key}`);
  } catch {
    return undefined; // tokenlens has no data for this provider
  }
  if (typeof loaded !== 'object' || loaded === null) return undefined;
  for (const exported of Object.values(loaded)) {
    const provider = modelsDevProviderSchema.safeParse(exported);
    if (!provider.success) continue;
    const entry = modelsDevEntrySchema.safeParse(provider.data.models[model]);
    return entry.success ? entry.data : undefined;
  }
  return undefined;
}

function pricingFromModelsDev(cost: ModelsDevEntry['cost']): ModelPricing | undefined {
  if (cost?.input === undefined || cost.output === undefined) return undefined;
  return {
    inputPerMillion: cost.input,
    outputPerMillion: cost.output,
    ...(cost.cache_read === undefined ? {} : { cachedInputPerMillion: cost.cache_read }),
    ...(cost.cache_write === undefined ? {} : { cacheWritePerMillion: cost.cache_write }),
  };
}
