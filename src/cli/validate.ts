/** `switchyard validate [file]` — load a config as `serve` would and report every problem, or a summary. */

import { parseArgs } from 'node:util';
import { ConfigError, describeConfigFile, findConfigFile, loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/resolved.ts';
import type { Environment } from '../config/interpolate.ts';
import { UsageError, USAGE_EXIT_CODE } from './usage-error.ts';

export const VALIDATE_HELP = `switchyard validate [file]

Checks a config file (default: ./switchyard.yaml, else the built-in default) with the current
environment, and prints a summary or every problem with its path. Exit code 0 if valid, 2 if not.`;

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Environment;
}

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

export async function runValidateCommand(
  args: readonly string[],
  io: CommandIo = processIo,
): Promise<number> {
  const { positionals } = parseArgs({ args: [...args], options: {}, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(`expected at most one file, got ${positionals.length}`);
  const path = findConfigFile(positionals[0] === undefined ? {} : { path: positionals[0] });
  try {
    const config = await loadConfig({ path, env: io.env });
    io.stdout(summarise(describeConfigFile(path), config));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.format()}\n`);
    return USAGE_EXIT_CODE;
  }
}

function summarise(source: string, config: ResolvedConfig): string {
  const providers = [...config.providers.values()].map((provider) => `${provider.name} (${provider.type})`);
  const routes = [...config.routes.values()].map(
    (route) =>
      `${route.name}${route.name === config.defaultRoute ? ' [default]' : ''}: ${route.strategy} ${route.targets.join(' → ')}`,
  );
  const inactive = config.inactiveProviders.map(
    (provider) => `${provider.name} (${provider.missingEnv.join(', ')} not set)`,
  );
  const lines = [
    `${source}: valid (version ${config.version})`,
    `  providers: ${providers.join(', ')}`,
    `  models:    ${[...config.models.keys()].join(', ')}`,
    `  routes:    ${routes.join('\n             ')}`,
    ...(inactive.length === 0 ? [] : [`  inactive:  ${inactive.join(', ')}`]),
  ];
  return `${lines.join('\n')}\n`;
}
