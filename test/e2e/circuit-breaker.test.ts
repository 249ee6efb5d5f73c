/** Circuit breakers over real sockets: a failing deployment is taken out, probed, and brought back. */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { SIM_TIER_PROFILES } from '../../src/sim/profiles.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const CONFIG = `
server: { log_level: silent }
providers:
  upstream: { type: openai-compatible, base_url: '\${SIM_URL}' }
models:
  flaky: { provider: upstream, context_window: 128000, pricing: { input_per_million: 0.1, output_per_million: 0.4 } }
  backup: { provider: upstream, upstream: sim-lite, context_window: 128000, pricing: { input_per_million: 0.1, output_per_million: 0.4 } }
routes:
  - { name: guarded, targets: [flaky, backup] }
circuit_breaker: { failure_threshold: 3, window_ms: 10000, open_ms: 400 }
`;

let simulator: RunningSimulator;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  // `flaky` fails its first three requests, then recovers.
  const profiles = {
    ...SIM_TIER_PROFILES,
    flaky: { ...SIM_TIER_PROFILES['sim-lite'], faults: ['server_error; times=3'] },
  };
  simulator = await startSimulator({ latency: 'zero', profiles });
  const config = await loadConfigText(CONFIG, { env: { SIM_URL: simulator.url }, source: 'breaker.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

async function ask(): Promise<{ status: number; model: string | null; attempts: string | null }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'guarded', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    model: response.headers.get('x-switchyard-model'),
    attempts: response.headers.get('x-switchyard-attempts'),
  };
}

interface Circuits {
  circuits: { deployment: string; state: string }[];
}
const circuits = async (): Promise<Circuits['circuits']> =>
  ((await (await fetch(`${url}/admin/circuits`)).json()) as Circuits).circuits;

describe('circuit breakers', () => {
  it('open after repeated failures (traffic goes to the fallback uncalled), probe, and close on recovery', async () => {
    for (let index = 0; index < 3; index++) {
      expect(await ask()).toMatchObject({ status: 200, model: 'backup', attempts: '2' });
    }
    // Open: the flaky deployment is skipped without a call (its attempt is recorded as circuit_open).
    expect(await ask()).toMatchObject({ status: 200, model: 'backup', attempts: '2' });
    expect(await circuits()).toContainEqual(
      expect.objectContaining({ deployment: 'upstream/flaky', state: 'open' }),
    );
    // After open_ms one request probes it; the simulated outage is over, so the circuit closes.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await ask()).toMatchObject({ status: 200, model: 'flaky', attempts: '1' });
    expect(await circuits()).toContainEqual(
      expect.objectContaining({ deployment: 'upstream/flaky', state: 'closed' }),
    );
  });
});
