import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchCommand, type BenchIo } from './bench.ts';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-cli-'));
const GOOD_ROWS = join(directory, 'good.jsonl');
const BAD_ROWS = join(directory, 'bad.jsonl');
writeFileSync(GOOD_ROWS, '{"prompt": "hi"}\n');
writeFileSync(BAD_ROWS, '{"prompt": "hi"}\n\n{"prompt": "x", "expected": {"regex": "("}}\n');

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: BenchIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    stderrIsTerminal: false,
  };
  const code = await runBenchCommand(args, io);
  return { code, stdout, stderr };
}

/** A gateway that knows one model and answers every chat with a fixed completion. */
let gateway: Server;
let gatewayUrl = '';
beforeAll(async () => {
  gateway = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            data: [
              {
                id: 'lite',
                switchyard: {
                  kind: 'model',
                  provider: 'sim',
                  context_window: 1000,
                  pricing_usd_per_million: { input: 1, output: 1 },
                },
              },
            ],
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'x-switchyard-model': 'lite' });
      response.end(
        JSON.stringify({
          choices: [{ message: { content: 'ok' } }],
          usage: { prompt_tokens: 500_000, completion_tokens: 500_000 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => gateway.close(resolve)));

describe('switchyard bench', () => {
  it('prints its help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--concurrency');
  });

  it('rejects missing and conflicting flags with exit code 2', async () => {
    expect(await run(['--targets', 'a'])).toMatchObject({
      code: 2,
      stderr: 'switchyard bench: --data <prompts.jsonl> is required\n',
    });
    expect(
      (await run(['--data', GOOD_ROWS, '--targets', 'a', '--requests', '5', '--duration', '3'])).stderr,
    ).toContain('not both');
    expect((await run(['--data', GOOD_ROWS, '--targets', 'a', '--concurrency', '0'])).stderr).toContain(
      "--concurrency must be a positive integer, got '0'",
    );
    expect((await run(['--data', GOOD_ROWS, '--targets', 'a', '--url', 'ftp://x'])).code).toBe(2);
    expect((await run(['--data', GOOD_ROWS, '--targets', 'a', '--bogus'])).code).toBe(2);
  });

  it('names the file, line and field of a bad prompt row, with exit code 2', async () => {
    const result = await run(['--data', BAD_ROWS, '--targets', 'lite', '--url', gatewayUrl]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `switchyard bench: ${BAD_ROWS}:3: expected.regex: must be a valid regular expression\n`,
    );
  });

  it('drives a gateway at --url, with model facts and prices from its GET /v1/models', async () => {
    const result = await run([
      '--data',
      GOOD_ROWS,
      '--targets',
      'lite',
      '--url',
      gatewayUrl,
      '--requests',
      '3',
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    // 500k input + 500k output tokens at $1/M each: $1 a request, $1,000 per 1k requests.
    expect(result.stdout).toMatch(/\nlite +3 +100\.0% .* 1000\.00 +1\.00 +— +—\n/);
    expect(result.stderr).toBe('');
    const unknown = await run(['--data', GOOD_ROWS, '--targets', 'big', '--url', gatewayUrl]);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: "switchyard bench: unknown model 'big' (known: lite)\n",
    });
  });

  it('exits 1 when the gateway at --url cannot be reached', async () => {
    const result = await run(['--data', GOOD_ROWS, '--targets', 'lite', '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^switchyard bench: cannot read the models of the gateway at http:\/\/127\.0\.0\.1:1: /,
    );
  });
});
