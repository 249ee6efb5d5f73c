/** `switchyard simulate` — run the provider simulator on its own, as a fake OpenAI-compatible upstream. */

import { parseArgs } from 'node:util';
import { SIM_TIER_NAMES } from '../sim/profiles.ts';
import { startSimulator, type RunningSimulator } from '../sim/server.ts';
import { asUsageError, parsePort, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';

export const SIMULATE_HELP = `switchyard simulate [--port 9090] [--host 127.0.0.1] [--latency realistic|zero] [--seed 0]

Serves a fake OpenAI chat-completions upstream with the built-in model tiers (${SIM_TIER_NAMES.join(', ')});
any other model name is answered with the sim-mid profile. --port overrides SIM_PORT. Send the header
x-sim-fault: <fault>[;key=value…] to inject a failure (see src/sim/faults.ts).`;

const DEFAULT_PORT = 9090;

interface SimulateFlags {
  readonly port: number;
  readonly host: string;
  readonly latency: 'zero' | 'realistic';
  readonly seed: number;
  readonly help: boolean;
}

function parseFlags(args: readonly string[]): SimulateFlags {
  const { values } = parseArgs({
    args: [...args],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      latency: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const portText = values.port ?? process.env.SIM_PORT;
  const port =
    portText === undefined
      ? DEFAULT_PORT
      : parsePort(portText, values.port === undefined ? 'SIM_PORT' : '--port');
  const latency = values.latency ?? 'realistic';
  if (latency !== 'zero' && latency !== 'realistic') {
    throw new UsageError(`--latency must be 'zero' or 'realistic', got '${latency}'`);
  }
  const seedText = values.seed ?? '0';
  if (!/^\d+$/.test(seedText) || !Number.isSafeInteger(Number(seedText))) {
    throw new UsageError(`--seed must be a non-negative integer, got '${seedText}'`);
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    latency,
    seed: Number(seedText),
    help: values.help === true,
  };
}

export async function runSimulateCommand(args: readonly string[]): Promise<number> {
  let flags: SimulateFlags;
  try {
    flags = parseFlags(args);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage === undefined) throw error;
    process.stderr.write(`switchyard simulate: ${usage.message}\n\n${SIMULATE_HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  if (flags.help) {
    process.stdout.write(`${SIMULATE_HELP}\n`);
    return 0;
  }

  let simulator: RunningSimulator;
  try {
    simulator = await startSimulator({
      host: flags.host,
      port: flags.port,
      latency: flags.latency,
      seed: flags.seed,
    });
  } catch (error) {
    // Most often the port is taken; say so plainly rather than with a stack trace.
    process.stderr.write(
      `switchyard simulate: cannot listen on ${flags.host}:${flags.port}: ${String(error)}\n`,
    );
    return 1;
  }
  process.stdout.write(
    `switchyard simulator listening on ${simulator.url} (latency ${flags.latency}, seed ${flags.seed}; ` +
      `models ${SIM_TIER_NAMES.join(', ')}, others answered as sim-mid)\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void simulator.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
