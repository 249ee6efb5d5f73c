import { createAnthropicAdapter } from './anthropic/adapter.ts';
import { createGeminiAdapter } from './gemini/adapter.ts';
import { createOpenAIAdapter } from './openai/adapter.ts';
import type { AdapterFactories } from './registry.ts';

/** Every wire format the gateway speaks upstream. */
export const PROVIDER_FACTORIES: AdapterFactories = {
  openai: (provider, { transport }) => createOpenAIAdapter(provider, transport),
  'openai-compatible': (provider, { transport }) => createOpenAIAdapter(provider, transport),
  anthropic: (provider, { transport }) => createAnthropicAdapter(provider, transport),
  gemini: (provider, { transport }) => createGeminiAdapter(provider, transport),
  // Loaded only when configured: the simulator brings its tokenizer tables (~60 MB), which a gateway
  // serving real providers should not carry.
  sim: async (provider, dependencies) => {
    const { createSimAdapter } = await import('./sim/adapter.ts');
    return createSimAdapter(provider, dependencies);
  },
  // Recorded outcomes served in-process; loaded only when configured (eval, what-if runs).
  replay: async (provider) => {
    const { createReplayAdapter } = await import('./replay/adapter.ts');
    return createReplayAdapter(provider);
  },
};
