import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_PATH } from '../config/load.ts';
import { UsageError } from './usage-error.ts';
import { runValidateCommand, type CommandIo } from './validate.ts';

function capture(env: Record<string, string> = {}): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-cli-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard validate', () => {
  it('prints a summary and exits 0 for a valid file, naming inactive providers and why', async () => {
    const io = capture();
    expect(await runValidateCommand([DEFAULT_CONFIG_PATH], io)).toBe(0);
    const summary = io.out.join('');
    expect(summary).toMatch(/valid \(version [0-9a-f]{12}\)/);
    expect(summary).toContain('default [default]: fallback sim-mid → sim-strong');
    expect(summary).toContain('openai (OPENAI_API_KEY not set)');
    expect(io.err).toEqual([]);
  });

  it('prints every issue with its path and exits 2', async () => {
    const file = join(directory, 'bad.yaml');
    await writeFile(
      file,
      'providers:\n  p: { type: openai, colour: red }\nmodels:\n  m: { provider: q }\nroutes: [{ name: r, targets: [nope] }]\n',
    );
    const io = capture();
    expect(await runValidateCommand([file], io)).toBe(2);
    const report = io.err.join('');
    expect(report).toContain(`Invalid configuration in ${file} (1 issue)`);
    expect(report).toContain(`providers.p.colour: unknown key "colour"  (${file}:2:22)`);
    expect(io.out).toEqual([]);

    await writeFile(
      file,
      'providers:\n  p: { type: openai }\nmodels:\n  m: { provider: q }\nroutes: [{ name: r, targets: [nope] }]\n',
    );
    const second = capture();
    expect(await runValidateCommand([file], second)).toBe(2);
    expect(second.err.join('')).toContain('models.m.provider: unknown provider "q"');
    expect(second.err.join('')).toContain('routes[0].targets[0]: unknown model "nope"');
  });

  it('exits 2 with a clear message for a missing file', async () => {
    const io = capture();
    expect(await runValidateCommand([join(directory, 'missing.yaml')], io)).toBe(2);
    expect(io.err.join('')).toContain('cannot read the config file: file not found');
  });

  it('uses the environment it is given for requires_env', async () => {
    const io = capture({ OPENAI_API_KEY: 'sk-test' });
    expect(await runValidateCommand([DEFAULT_CONFIG_PATH], io)).toBe(0);
    expect(io.out.join('')).toContain('openai (openai)');
  });

  it('rejects more than one file as a usage error', async () => {
    await expect(runValidateCommand(['a.yaml', 'b.yaml'], capture())).rejects.toBeInstanceOf(UsageError);
  });
});
