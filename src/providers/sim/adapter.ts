/**
 * The `sim` provider: starts the simulator in-process on a free loopback port and reaches it through the
 * real adapter of the wire format it is configured to speak (`wire:`) and the shared transport, so `npm start` with no API keys still exercises every
 * layer a real upstream call would (encoding, HTTP, SSE parsing, error mapping).
 *
 * The simulator's fault header travels like any forwarded client header: the executor puts it in
 * `context.extraHeaders` (sim providers forward `x-sim-fault` by default) and the adapter sends it.
 */

import type { ResolvedProvider, SimWire } from '../../config/resolved.ts';
import { GatewayError } from '../../core/errors.ts';
import { startSimulator, type RunningSimulator } from '../../sim/server.ts';
import { createAnthropicAdapter } from '../anthropic/adapter.ts';
import { PROVIDER_CONTRACT_VERSION, type ProviderAdapter } from '../contract.ts';
import { createGeminiAdapter } from '../gemini/adapter.ts';
import { createOpenAIAdapter } from '../openai/adapter.ts';
import type { AdapterDependencies } from '../registry.ts';
import type { HttpTransport } from '../transport/http-transport.ts';

/** The real adapter for the simulator's wire format, pointed at the simulator's paths for that format. */
function wireAdapter(
  wire: SimWire,
  provider: ResolvedProvider,
  simulator: RunningSimulator,
  transport: HttpTransport,
): ProviderAdapter {
  switch (wire) {
    case 'openai':
      return createOpenAIAdapter({ ...provider, baseUrl: `${simulator.origin}/v1` }, transport);
    case 'anthropic':
      return createAnthropicAdapter(
        { ...provider, baseUrl: `${simulator.origin}/v1`, headers: { 'anthropic-version': '2023-06-01' } },
        transport,
      );
    case 'gemini':
      return createGeminiAdapter({ ...provider, baseUrl: `${simulator.origin}/v1beta` }, transport);
  }
}

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
  const upstream = wireAdapter(settings.wire, provider, simulator, dependencies.transport);
  let closed = false;

  return {
    contractVersion: PROVIDER_CONTRACT_VERSION,
    name: provider.name,
    type: 'sim',
    parameters: upstream.parameters,
    capabilities: (model) => upstream.capabilities(model),
    generate: (request, model, context) => upstream.generate(request, model, context),
    stream: (request, model, context) => upstream.stream(request, model, context),
    ...(upstream.embed === undefined
      ? {}
      : { embed: (texts, model, context) => upstream.embed!(texts, model, context) }),
    ready: () => !closed && upstream.ready(),
    async close() {
      closed = true;
      await upstream.close();
      await simulator.close();
    },
  };
}
