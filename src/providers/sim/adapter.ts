/**
 * The `sim` provider: starts the simulator in-process on a free loopback port and reaches it through the
 * real OpenAI adapter and the shared transport, so `npm start` with no API keys still exercises every
 * layer a real upstream call would (encoding, HTTP, SSE parsing, error mapping).
 *
 * The simulator's fault header travels like any forwarded client header: the executor puts it in
 * `context.extraHeaders` (sim providers forward `x-sim-fault` by default) and the OpenAI adapter sends it.
 */

import type { ResolvedProvider } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import { startSimulator } from '../../sim/server.ts';
import { PROVIDER_CONTRACT_VERSION, type ProviderAdapter } from '../contract.ts';
import { createOpenAIAdapter } from '../openai/adapter.ts';
import type { AdapterDependencies } from '../registry.ts';

export async function createSimAdapter(
  provider: ResolvedProvider,
  dependencies: AdapterDependencies,
): Promise<ProviderAdapter> {
  const settings = provider.sim;
  if (settings === undefined) {
    throw new GatewayError(
      'internal_error',
      `Provider '${provider.name}' is of type sim but has no sim settings`,
    );
  }
  const simulator = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    latency: settings.latency,
    seed: settings.seed,
    profiles: settings.profiles,
  });
  const upstream = createOpenAIAdapter({ ...provider, baseUrl: simulator.url }, dependencies.transport);
  let closed = false;

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: 'sim',
    capabilities: (model) => upstream.capabilities(model),
    generate: (request, model, context) => upstream.generate(request, model, context),
    stream: (request, model, context) => upstream.stream(request, model, context),
    ready: () => !closed && upstream.ready(),
    async close() {
      closed = true;
      await upstream.close();
      await simulator.close();
    },
  };
}
