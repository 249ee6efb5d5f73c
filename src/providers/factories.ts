import { createOpenAIAdapter } from './openai/adapter.ts';
import type { AdapterFactories } from './registry.ts';
import { createSimAdapter } from './sim/adapter.ts';

/** Every wire format the gateway speaks upstream. */
export const PROVIDER_FACTORIES: AdapterFactories = {
  openai: (provider, { transport }) => createOpenAIAdapter(provider, transport),
  'openai-compatible': (provider, { transport }) => createOpenAIAdapter(provider, transport),
  sim: (provider, dependencies) => createSimAdapter(provider, dependencies),
};
