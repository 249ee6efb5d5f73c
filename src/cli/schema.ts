/** `switchyard schema [--out file]` — the JSON Schema of switchyard.yaml, for editors. */

import { writeOutputFile } from '../core/output-file.ts';
import { parseArgs } from 'node:util';
import { configJsonSchema } from '../config/json-schema.ts';

export const SCHEMA_HELP = `switchyard schema [--out switchyard.schema.json]

Prints the JSON Schema of the config file, or writes it to --out. Point your editor at it with a first
line of: # yaml-language-server: $schema=./switchyard.schema.json`;

export async function runSchemaCommand(
  args: readonly string[],
  stdout: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { out: { type: 'string' } }, strict: true });
  const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
  if (values.out === undefined) {
    stdout(text);
  } else {
    await writeOutputFile(values.out, text);
    stdout(`wrote ${values.out}\n`);
  }
  return 0;
}
