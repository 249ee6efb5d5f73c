import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.ts';
import { DEFAULT_CONFIG_PATH } from './load.ts';

// ajv comes with fastify; it stands in here for the editor's validator (yaml-language-server).
const validate = new Ajv({ allErrors: true, strict: false }).compile(configJsonSchema());

describe('configJsonSchema', () => {
  it('accepts the built-in default config as written (placeholders and all)', async () => {
    const document: unknown = parse(await readFile(DEFAULT_CONFIG_PATH, 'utf8'), { merge: true });
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys and wrong types as the loader does', () => {
    const document = {
      server: { prot: 1 },
      providers: { a: { type: 'sim', base_url: 'http://x' } },
      models: { m: { provider: 'a', tokenizer: 'p50k' } },
      routes: [{ name: 'r', targets: ['m'] }],
    };
    expect(validate(document)).toBe(false);
    const problems = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.keyword}`);
    expect(problems).toContain('/server additionalProperties');
    expect(problems).toContain('/models/m/tokenizer enum');
  });

  it('shows defaults and descriptions to editors, in draft-07', () => {
    const schema = configJsonSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const text = JSON.stringify(schema);
    expect(text).toContain('"default":8080');
    expect(text).toContain('"default":4194304');
    expect(text).toContain('requires_env');
  });
});
