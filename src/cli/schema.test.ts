import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemaCommand } from './schema.ts';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-schema-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard schema', () => {
  it('prints the JSON Schema, or writes it with --out', async () => {
    const printed: string[] = [];
    expect(await runSchemaCommand([], (text) => printed.push(text))).toBe(0);
    const schema = JSON.parse(printed.join('')) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['server', 'providers', 'models', 'routes']),
    );

    const out = join(directory, 'switchyard.schema.json');
    expect(await runSchemaCommand(['--out', out], () => undefined)).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(schema);
  });
});

describe('the committed switchyard.schema.json', () => {
  it('matches the schema generated from the config module (run `npm run schema` after changing it)', async () => {
    const printed: string[] = [];
    await runSchemaCommand([], (text) => printed.push(text));
    const committed = await readFile(new URL('../../switchyard.schema.json', import.meta.url), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(printed.join('')));
  });
});
