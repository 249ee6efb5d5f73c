/**
 * The provider registry: one factory per wire-format type. Adding a provider is adding a factory here
 * and a conformance-suite entry; nothing else in the gateway names a vendor.
 */

import type { ResolvedProvider, ProviderType } from '../config/resolved.ts';
import type { ProviderAdapter } from './contract.ts';
import type { HttpTransport } from './transport/http-transport.ts';

export interface AdapterDependencies {
  readonly transport: HttpTransport;
}

export type AdapterFactory = (
  provider: ResolvedProvider,
  dependencies: AdapterDependencies,
) => ProviderAdapter | Promise<ProviderAdapter>;

export type AdapterFactories = Readonly<Record<ProviderType, AdapterFactory>>;

/** Instantiate every configured provider. */
export async function createAdapters(
  providers: ReadonlyMap<string, ResolvedProvider>,
  factories: AdapterFactories,
  dependencies: AdapterDependencies,
): Promise<ReadonlyMap<string, ProviderAdapter>> {
  const adapters = new Map<string, ProviderAdapter>();
  for (const provider of providers.values()) {
    adapters.set(provider.name, await factories[provider.type](provider, dependencies));
  }
  return adapters;
}
