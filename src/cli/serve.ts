/** `switchyard serve` — run the gateway. */

import { parseArgs } from 'node:util';
import { createGateway } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import { createLogger } from '../telemetry/logger.ts';
import { parsePort } from './usage-error.ts';

export const SERVE_HELP = `switchyard serve [--config switchyard.yaml] [--port 8080] [--host 0.0.0.0]

Serves the gateway. Without --config it reads ./switchyard.yaml, or else the built-in default config
(simulated models, no API keys needed). --port overrides PORT, which overrides the config.`;

export async function runServeCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${SERVE_HELP}\n`);
    return 0;
  }
  const portText = values.port ?? process.env.PORT;
  const port =
    portText === undefined ? undefined : parsePort(portText, values.port === undefined ? 'PORT' : '--port');
  const config = await loadConfig(values.config === undefined ? {} : { path: values.config });
  const logger = createLogger(config.server.logLevel);
  for (const inactive of config.inactiveProviders) {
    logger.info(
      { provider: inactive.name, missingEnv: inactive.missingEnv },
      'provider inactive: environment variable not set',
    );
  }
  const gateway = await createGateway(config, logger);
  const { url } = await gateway.listen(port ?? config.server.port, values.host ?? config.server.host);
  logger.info(
    {
      url,
      configVersion: config.version,
      models: [...config.models.keys()],
      routes: [...config.routes.keys()],
    },
    `switchyard listening on ${url}`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down: draining in-flight requests');
      gateway.close().then(resolve, (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        resolve();
      });
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
