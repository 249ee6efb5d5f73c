/**
 * Models: each figure comes from config first, then the catalog (real providers) or the sim profile
 * (simulated ones), then a default where one is safe. A model still lacking a context window or prices
 * is an error naming the field, because routing and cost accounting cannot guess them.
 */

import type { ModelCapabilities, ModelPricing, ResolvedModel } from '../core/model.ts';
import { catalogProviderForUrl, lookupCatalog, type CatalogEntry } from './catalog.ts';
import { CAPABILITY_DEFAULTS, MODEL_DEFAULTS } from './defaults.ts';
import { REPLAY_DEFAULTS } from './schema-replay.ts';
import { knownList, type PendingIssue } from './issues.ts';
import type { ResolvedProvider } from './resolved.ts';
import type { ModelDocument, ProviderDocument } from './schema.ts';
import { inferTokenizer } from './tokenizer.ts';

type FigureSource = ResolvedModel['source'] | 'sim-profile';

export async function resolveModel(
  id: string,
  document: ModelDocument,
  provider: ResolvedProvider,
  providerDocument: ProviderDocument,
  issues: PendingIssue[],
  /** Where problems of the provider-specific fields are reported (a deployment's own entry). */
  path: readonly (string | number)[] = ['models', id],
): Promise<ResolvedModel | undefined> {
  const upstreamModel = document.upstream ?? id;
  const simProfile = provider.sim?.profiles[upstreamModel];
  if (provider.sim !== undefined && simProfile === undefined) {
    issues.push({
      path: document.upstream === undefined ? path : [...path, 'upstream'],
      message: `no sim profile "${upstreamModel}" in provider "${provider.name}" (${knownList(Object.keys(provider.sim.profiles))})`,
    });
    return undefined;
  }
  const replay = provider.replay;
  // An empty list means the file could not be read, which the provider's own issue already says.
  if (
    replay !== undefined &&
    replay.recordedModels.length > 0 &&
    !replay.recordedModels.includes(upstreamModel)
  ) {
    issues.push({
      path: document.upstream === undefined ? path : [...path, 'upstream'],
      message: `no outcomes recorded for "${upstreamModel}" in ${replay.outcomesPath} (${knownList(replay.recordedModels)})`,
    });
    return undefined;
  }
  const catalogProvider = await catalogProviderOf(provider, providerDocument);
  const catalog =
    catalogProvider === undefined ? undefined : await lookupCatalog(catalogProvider, upstreamModel);
  const missing = missingFigureMessage(provider, catalogProvider, upstreamModel);

  const window = pick<number>([
    [document.context_window, 'config'],
    [simProfile?.contextWindow, 'sim-profile'],
    [catalog?.contextWindow, 'catalog'],
    [replay === undefined ? undefined : REPLAY_DEFAULTS.contextWindow, 'default'],
  ]);
  const pricing = pick<ModelPricing>([
    [document.pricing === undefined ? undefined : pricingFromDocument(document.pricing), 'config'],
    [catalog?.pricing, 'catalog'],
    [replay === undefined ? undefined : REPLAY_DEFAULTS.pricing, 'default'],
  ]);
  if (window === undefined) issues.push({ path: [...path, 'context_window'], message: missing });
  if (pricing === undefined) issues.push({ path: [...path, 'pricing'], message: missing });
  if (window === undefined || pricing === undefined) return undefined;

  const maxOutputTokens =
    document.max_output_tokens ??
    catalog?.maxOutputTokens ??
    Math.min(MODEL_DEFAULTS.maxOutputTokens, window.value);
  if (maxOutputTokens > window.value) {
    issues.push({
      path: [...path, 'max_output_tokens'],
      message: `max_output_tokens (${maxOutputTokens}) exceeds the context window (${window.value})`,
    });
  }
  return {
    id,
    provider: provider.name,
    upstreamModel,
    contextWindow: window.value,
    maxOutputTokens,
    pricing: pricing.value,
    capabilities: resolveCapabilities(document.capabilities, catalog),
    tokenizer: document.tokenizer ?? inferTokenizer(upstreamModel),
    tags: [...new Set([...providerDocument.tags, ...document.tags])],
    source: overallSource(window.source, pricing.source),
    // Only when set, so a model without a note resolves to the same shape as before notes existed.
    ...(document.note === undefined ? {} : { note: document.note }),
  };
}

/** `catalog:` in config, else the catalog provider whose API URL pattern matches the base URL. */
async function catalogProviderOf(
  provider: ResolvedProvider,
  providerDocument: ProviderDocument,
): Promise<string | undefined> {
  if (providerDocument.type === 'sim' || providerDocument.type === 'replay') return undefined;
  return providerDocument.catalog ?? (await catalogProviderForUrl(provider.baseUrl));
}

function missingFigureMessage(
  provider: ResolvedProvider,
  catalogProvider: string | undefined,
  upstreamModel: string,
): string {
  if (provider.sim !== undefined) return 'not set (simulated models have no catalog entry; write it here)';
  if (catalogProvider === undefined) {
    return `not set, and no catalog matches provider "${provider.name}" (write it here, or set the provider's catalog:)`;
  }
  return `not set, and the catalog has no "${upstreamModel}" for "${catalogProvider}" (write it here)`;
}

function pick<T>(
  candidates: readonly (readonly [T | undefined, FigureSource])[],
): { value: T; source: FigureSource } | undefined {
  for (const [value, source] of candidates) if (value !== undefined) return { value, source };
  return undefined;
}

/** Catalog if either figure came from it; `default` for sim profiles' and replay's built-in figures. */
function overallSource(windowSource: FigureSource, pricingSource: FigureSource): ResolvedModel['source'] {
  if (windowSource === 'catalog' || pricingSource === 'catalog') return 'catalog';
  if (windowSource === 'sim-profile' || windowSource === 'default' || pricingSource === 'default')
    return 'default';
  return 'config';
}

function pricingFromDocument(pricing: NonNullable<ModelDocument['pricing']>): ModelPricing {
  return {
    inputPerMillion: pricing.input_per_million,
    outputPerMillion: pricing.output_per_million,
    ...(pricing.cached_input_per_million === undefined
      ? {}
      : { cachedInputPerMillion: pricing.cached_input_per_million }),
    ...(pricing.cache_write_per_million === undefined
      ? {}
      : { cacheWritePerMillion: pricing.cache_write_per_million }),
  };
}

function resolveCapabilities(
  configured: ModelDocument['capabilities'],
  catalog: CatalogEntry | undefined,
): ModelCapabilities {
  const known = catalog?.capabilities ?? {};
  const flag = (fromConfig: boolean | undefined, name: keyof ModelCapabilities): boolean =>
    fromConfig ?? known[name] ?? CAPABILITY_DEFAULTS[name];
  return {
    tools: flag(configured?.tools, 'tools'),
    parallelToolCalls: flag(configured?.parallel_tool_calls, 'parallelToolCalls'),
    jsonObject: flag(configured?.json_object, 'jsonObject'),
    jsonSchema: flag(configured?.json_schema, 'jsonSchema'),
    vision: flag(configured?.vision, 'vision'),
    logprobs: flag(configured?.logprobs, 'logprobs'),
    assistantPrefill: flag(configured?.assistant_prefill, 'assistantPrefill'),
  };
}
