/**
 * The `switchyard` command: one file per subcommand under cli/, dispatched here. Each command is
 * imported only when it runs, so `serve` never loads what `simulate` needs (the simulator's tokenizer
 * tables alone are ~60 MB) and the reverse.
 */

import { ConfigError } from './config/issues.ts';
import { asUsageError, USAGE_EXIT_CODE } from './cli/usage-error.ts';

type Command = (args: readonly string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  serve: {
    run: async (args) => (await import('./cli/serve.ts')).runServeCommand(args),
    summary: 'run the gateway (default)',
  },
  simulate: {
    run: async (args) => (await import('./cli/simulate.ts')).runSimulateCommand(args),
    summary: 'run the provider simulator on its own',
  },
  validate: {
    run: async (args) => (await import('./cli/validate.ts')).runValidateCommand(args),
    summary: 'check a config file and print every problem with its path',
  },
  explain: {
    run: async (args) => (await import('./cli/explain.ts')).runExplainCommand(args),
    summary: 'show where a request would be routed, and why, without calling a model',
  },
  stats: {
    run: async (args) => (await import('./cli/stats.ts')).runStatsCommand(args),
    summary: 'print request stats (latency and TTFT percentiles, errors, cost) from a running gateway',
  },
  router: {
    run: async (args) => (await import('./cli/router.ts')).runRouterCommand(args),
    summary: 'learn routing from recorded outcomes, score prompts, evaluate routers offline',
  },
  eval: {
    run: async (args) => (await import('./cli/eval.ts')).runEvalCommand(args),
    summary: 'run labelled outcomes through a config on replayed answers: what-if report or canary gate',
  },
  classifier: {
    run: async (args) => (await import('./cli/classifier.ts')).runClassifierCommand(args),
    summary: 'train, evaluate or run the in-process intent classifier (train | eval | predict)',
  },
  schema: {
    run: async (args) => (await import('./cli/schema.ts')).runSchemaCommand(args),
    summary: 'print the JSON Schema of the config file, for editors',
  },
  bench: {
    run: async (args) => (await import('./cli/bench.ts')).runBenchCommand(args),
    summary: 'benchmark models and routes: latency, errors, cost and correctness per target',
  },
  catalog: {
    run: async (args) => (await import('./cli/catalog.ts')).runCatalogCommand(args),
    summary: "'catalog snapshot': a one-page model catalog (markdown or HTML, SVG charts) from bench JSON",
  },
};

const HELP = `switchyard — an LLM routing gateway

Usage: switchyard <command> [options]   (no command: serve)

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(11)} ${command.summary}`)
  .join('\n')}

switchyard serve [--config switchyard.yaml] [--port 8080] [--host 0.0.0.0]
  Without --config it reads ./switchyard.yaml, or else the built-in default config (simulated
  models, no API keys needed). --port overrides PORT, which overrides the config.

Run 'switchyard <command> --help' for a command's options.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const commandName = first === undefined || first.startsWith('-') ? 'serve' : first;
  const command = COMMANDS[commandName];
  if (command === undefined) {
    process.stderr.write(`switchyard: unknown command '${commandName}'\n\n${HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  try {
    return await command.run(commandName === first ? rest : argv);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage !== undefined) {
      process.stderr.write(`switchyard ${commandName}: ${usage.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.format()}\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}

if (import.meta.main) {
  // `switchyard router score … | head`: a reader that stops early is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}
