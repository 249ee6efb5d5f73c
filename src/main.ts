/** The `switchyard` command: one file per subcommand under cli/, dispatched here. */

import { ConfigError } from './config/load.ts';
import { runSchemaCommand } from './cli/schema.ts';
import { runServeCommand, SERVE_HELP } from './cli/serve.ts';
import { runSimulateCommand } from './cli/simulate.ts';
import { asUsageError, USAGE_EXIT_CODE } from './cli/usage-error.ts';
import { runValidateCommand } from './cli/validate.ts';

type Command = (args: readonly string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Command; summary: string }>> = {
  serve: { run: runServeCommand, summary: 'run the gateway (default)' },
  simulate: { run: runSimulateCommand, summary: 'run the provider simulator on its own' },
  validate: { run: runValidateCommand, summary: 'check a config file and print every problem with its path' },
  schema: { run: runSchemaCommand, summary: 'print the JSON Schema of the config file, for editors' },
};

const HELP = `switchyard — an LLM routing gateway

Usage: switchyard <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

${SERVE_HELP}`;

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
  process.exitCode = await main(process.argv.slice(2));
}
