import { get } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runSimulateCommand } from './simulate.ts';

function captureOutput(stream: NodeJS.WriteStream): () => string {
  let text = '';
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  return () => text;
}

function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('switchyard simulate', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    [['--latency', 'slow'], "--latency must be 'zero' or 'realistic', got 'slow'"],
    [['--port', 'ninety'], "--port must be an integer from 0 to 65535, got 'ninety'"],
    [['--seed=1.5'], "--seed must be a non-negative integer, got '1.5'"],
    [['--bogus'], '--bogus'],
  ])('rejects %j with exit code 2 and names the flag', async (args, message) => {
    const stderr = captureOutput(process.stderr);
    expect(await runSimulateCommand(args)).toBe(2);
    expect(stderr()).toContain(message);
  });

  it('serves the built-in tiers, prints its URL, and stops on SIGTERM', async () => {
    const stdout = captureOutput(process.stdout);
    const running = runSimulateCommand(['--port', '0', '--latency', 'zero', '--seed', '3']);
    await vi.waitFor(() => expect(stdout()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/));
    const url = /(http:\/\/\S+\/v1)/.exec(stdout())?.[1] ?? '';
    const models = JSON.parse(await getText(`${url}/models`)) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['sim-lite', 'sim-mid', 'sim-strong', 'sim-long']);

    process.emit('SIGTERM');
    expect(await running).toBe(0);
    await expect(getText(`${url}/models`)).rejects.toThrow();
  });
});
