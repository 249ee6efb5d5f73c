/** The `switchyard` command as a user runs it: a child process of the bin script. */

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/switchyard.js', import.meta.url).pathname;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('switchyard CLI', () => {
  it('serves the built-in config with simulated models and drains on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], {
      env: {
        ...process.env,
        OPENAI_API_KEY: '',
        GROQ_API_KEY: '',
        TOGETHER_API_KEY: '',
        OLLAMA_BASE_URL: '',
      },
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /switchyard listening on (http:\/\/[0-9.:]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'sim-lite',
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 4,
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('sim');
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('rejects a bad --port with exit code 2 naming the flag', async () => {
    const result = await run(['serve', '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port');
  });

  it('rejects a bad PORT with exit code 2 naming the variable', async () => {
    const result = await run(['serve'], { PORT: '99999' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PORT');
  });

  it('rejects an unknown flag and an unknown command with exit code 2', async () => {
    expect((await run(['serve', '--prot', '1'])).code).toBe(2);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
  });

  it('reports config errors with their path and exit code 2 when serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'providers:\n  p: { type: openai, api_key: k }\nmodels:\n  m: { provider: nobody }\nroutes: [{ name: default, targets: [m] }]\n',
    );
    const result = await run(['serve', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('models.m.provider');
  });

  it('prints help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('switchyard serve');
  });
});
