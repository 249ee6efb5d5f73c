/**
 * An e2e stack over real sockets: a standalone simulator on port 0 and a gateway on port 0 whose config
 * points an OpenAI-compatible provider at it. Tests talk to the gateway with the official openai SDK.
 */

import OpenAI from 'openai';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/app.ts';
import type { SimModelProfile } from '../../src/config/resolved.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { SIM_TIER_PROFILES } from '../../src/sim/profiles.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

export interface Stack {
  readonly gatewayUrl: string;
  readonly simulatorUrl: string;
  readonly client: OpenAI;
  readonly gateway: Gateway;
  close(): Promise<void>;
}

const quickProfile = (overrides: Partial<SimModelProfile> = {}): SimModelProfile => ({
  ...SIM_TIER_PROFILES['sim-lite'],
  faults: [],
  ...overrides,
});

/** Simulated upstream models used by the e2e config. */
export const E2E_PROFILES: Readonly<Record<string, SimModelProfile>> = {
  'sim-lite': quickProfile(),
  'sim-strong': quickProfile({ contextWindow: 200_000 }),
  'tiny-window': quickProfile({ contextWindow: 64 }),
  'always-500': quickProfile({ faults: ['server_error'] }),
  'always-429': quickProfile({ faults: ['rate_limit; retry_after=3'] }),
};

export const E2E_CONFIG = `
server:
  log_level: silent
providers:
  upstream:
    type: openai-compatible
    base_url: \${SIM_URL}
    forward_headers: [x-sim-fault]
    timeouts: { connect_ms: 1000, headers_ms: 3000, body_idle_ms: 1000 }
models:
  fast:
    provider: upstream
    upstream: sim-lite
    note: the cheap default
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
  strong:
    provider: upstream
    upstream: sim-strong
    context_window: 200000
    max_output_tokens: 8192
    pricing: { input_per_million: 2.50, output_per_million: 10.00 }
  tiny:
    provider: upstream
    upstream: tiny-window
    context_window: 64
    max_output_tokens: 32
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
  broken:
    provider: upstream
    upstream: always-500
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
  limited:
    provider: upstream
    upstream: always-429
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
  blind:
    provider: upstream
    upstream: sim-lite
    context_window: 128000
    max_output_tokens: 4096
    pricing: { input_per_million: 0.10, output_per_million: 0.40 }
    capabilities: { vision: false }
routes:
  - name: default
    strategy: fallback
    targets: [fast, strong]
  - name: sighted-fallback
    targets: [blind, strong]
  - name: lenient-blind
    targets: [blind]
    on_unsupported: lenient
  - name: resilient
    strategy: fallback
    targets: [broken, limited, strong]
  - name: hopeless
    strategy: fallback
    targets: [broken, limited]
default_route: default
`;

export async function startStack(options: { bodyLimitBytes?: number } = {}): Promise<Stack> {
  const simulator: RunningSimulator = await startSimulator({ latency: 'zero', profiles: E2E_PROFILES });
  const configText =
    options.bodyLimitBytes === undefined
      ? E2E_CONFIG
      : E2E_CONFIG.replace('server:\n', `server:\n  body_limit_bytes: ${options.bodyLimitBytes}\n`);
  const config = await loadConfigText(configText, { env: { SIM_URL: simulator.url }, source: 'e2e.yaml' });
  const gateway = await createGateway(config, pino({ level: 'silent' }));
  const { url } = await gateway.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  return {
    gatewayUrl: url,
    simulatorUrl: simulator.url,
    client,
    gateway,
    async close() {
      await gateway.close();
      await simulator.close();
    },
  };
}
