import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';
import { runExplainCommand, type ExplainIo } from './explain.ts';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const CONVERSATION = join(EXAMPLES, 'conversation-length.yaml');
const SHORT_CHAT = join(EXAMPLES, 'requests/short-chat.json');

interface Captured extends ExplainIo {
  readonly out: string[];
  readonly err: string[];
}

function capture(stdin = ''): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    env: {},
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    readStdin: async () => stdin,
  };
}

interface Printed {
  readonly decision: { route: string; selection: string; targets: string[]; removed: { target: string }[] };
  readonly signals_read: Record<string, unknown>;
  readonly signal_failures: { signal: string; message: string }[];
}

async function explain(args: readonly string[], stdin = ''): Promise<Captured & { code: number }> {
  const io = capture(stdin);
  const code = await runExplainCommand(args, io);
  return { ...io, code };
}

function printed(io: Captured): Printed {
  return JSON.parse(io.out.join('')) as Printed;
}

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-explain-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('switchyard explain', () => {
  it('prints the decision, the signals read and their failures as JSON, and exits 0', async () => {
    const io = await explain(['--config', CONVERSATION, '--request', SHORT_CHAT]);
    expect(io.code).toBe(0);
    expect(io.err).toEqual([]);
    const { decision, signals_read, signal_failures } = printed(io);
    expect(decision).toMatchObject({
      route: 'short',
      selection: 'matched',
      targets: ['sim-mid', 'sim-strong'],
    });
    expect(signals_read).toEqual({ convo_length: 1, priority: 'normal', 'metadata.escalation': null });
    expect(signal_failures).toEqual([]);
  });

  it('sends --header values as request headers, names lower-cased, and reports signal failures', async () => {
    const escalated = await explain([
      '--config',
      CONVERSATION,
      '--request',
      SHORT_CHAT,
      '--header',
      'X-Switchyard-Meta-Escalation:true',
      '--header',
      'x-switchyard-priority:  low ',
    ]);
    expect(escalated.code).toBe(0);
    expect(printed(escalated).decision.route).toBe('heavy');
    expect(printed(escalated).signals_read).toMatchObject({ 'metadata.escalation': 'true' });

    const urgent = await explain([
      '--config',
      CONVERSATION,
      '--request',
      SHORT_CHAT,
      '--header',
      'x-switchyard-priority: urgent',
    ]);
    expect(printed(urgent).decision.route).toBe('default');
    expect(printed(urgent).signal_failures).toEqual([
      { signal: 'priority', message: "priority 'urgent' is not one of low, normal, high" },
    ]);
  });

  it('reads the request from stdin with --request -', async () => {
    const body = { model: 'eu', messages: [{ role: 'user', content: 'Hello' }] };
    const io = await explain(
      ['--config', join(EXAMPLES, 'compliance-pin.yaml'), '--request', '-'],
      JSON.stringify(body),
    );
    expect(io.code).toBe(0);
    expect(printed(io).decision).toMatchObject({
      route: 'eu',
      selection: 'requested-route',
      targets: ['sim-strong-2025-06-01'],
      removed: [{ target: 'sim-mid', filter: 'tags', reason: 'lacks required tag(s) eu, zdr' }],
    });
  });

  it('uses the built-in default config without --config', async () => {
    const io = await explain(['--request', SHORT_CHAT]);
    expect(io.code).toBe(0);
    expect(printed(io).decision).toMatchObject({ route: 'default', selection: 'default' });
  });

  it('exits 1 with the code and message when routing refuses a valid request', async () => {
    const unknown = await explain(
      ['--config', CONVERSATION, '--request', '-'],
      '{"model":"gpt-9","messages":[{"role":"user","content":"Hi"}]}',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.out).toEqual([]);
    expect(unknown.err.join('')).toContain("model_not_found: The model 'gpt-9' does not exist.");

    const config = join(directory, 'tags.yaml');
    await writeFile(
      config,
      [
        'providers: { sim: { type: sim } }',
        'models: { sim-lite: { provider: sim, pricing: { input_per_million: 0.1, output_per_million: 0.4 } } }',
        'routes: [{ name: default, require_tags: [eu], targets: [sim-lite] }]',
        'default_route: default',
      ].join('\n'),
    );
    const untagged = await explain(['--config', config, '--request', SHORT_CHAT]);
    expect(untagged.code).toBe(1);
    expect(untagged.err.join('')).toContain(
      'no_eligible_target: No target of the route carries the tags it requires. sim-lite: lacks required tag(s) eu.',
    );
  });

  it.each([
    [[], '--request is required'],
    [['--request', SHORT_CHAT, '--header', 'no colon'], "--header must be 'name: value', got 'no colon'"],
    [['--request', SHORT_CHAT, '--header', ': empty'], "--header must be 'name: value', got ': empty'"],
    [['--request', SHORT_CHAT, '--bogus'], "Unknown option '--bogus'"],
    [['--request', SHORT_CHAT, 'extra'], "Unexpected argument 'extra'"],
  ])('exits 2 for the usage error in %j', async (args, message) => {
    const io = await explain(args);
    expect(io.code).toBe(2);
    expect(io.err.join('')).toContain(message);
    expect(io.err.join('')).toContain('Exit codes:');
    expect(io.out).toEqual([]);
  });

  it('exits 2 naming the file and the reason when the request cannot be read or parsed', async () => {
    const missing = join(directory, 'missing.json');
    const unread = await explain(['--config', CONVERSATION, '--request', missing]);
    expect(unread.code).toBe(2);
    expect(unread.err.join('')).toContain(`cannot read the request ${missing}: file not found`);

    const broken = join(directory, 'broken.json');
    await writeFile(broken, '{"model": "auto", "messages": [');
    const parsed = await explain(['--config', CONVERSATION, '--request', broken]);
    expect(parsed.code).toBe(2);
    expect(parsed.err.join('')).toContain(`the request ${broken} is not valid JSON: `);

    const stdin = await explain(['--config', CONVERSATION, '--request', '-'], 'not json');
    expect(stdin.code).toBe(2);
    expect(stdin.err.join('')).toContain('the request stdin is not valid JSON: ');
  });

  it('exits 2 with the field path when the request fails validation', async () => {
    const noContent = await explain(
      ['--config', CONVERSATION, '--request', '-'],
      '{"model":"auto","messages":[{"role":"user"}]}',
    );
    expect(noContent.code).toBe(2);
    expect(noContent.err.join('')).toContain(
      "invalid request in stdin: Invalid value for 'messages[0].content'",
    );

    const choice = {
      model: 'auto',
      messages: [{ role: 'user', content: 'Hi' }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    };
    const inconsistent = await explain(['--config', CONVERSATION, '--request', '-'], JSON.stringify(choice));
    expect(inconsistent.code).toBe(2);
    expect(inconsistent.err.join('')).toContain("(field 'tool_choice.function.name')");
  });

  it('exits 2 with every config problem', async () => {
    const config = join(directory, 'bad.yaml');
    await writeFile(
      config,
      'providers: { sim: { type: sim } }\nmodels: {}\nroutes: [{ name: r, targets: [nope] }]\n',
    );
    const io = await explain(['--config', config, '--request', SHORT_CHAT]);
    expect(io.code).toBe(2);
    expect(io.err.join('')).toContain(`Invalid configuration in ${config}`);
    expect(io.err.join('')).toContain('routes[0].targets[0]: unknown model "nope"');
  });

  it('prints its help, exit codes included, with --help', async () => {
    const io = await explain(['--help']);
    expect(io.code).toBe(0);
    expect(io.out.join('')).toContain('switchyard explain [--config switchyard.yaml] --request req.json');
    expect(io.out.join('')).toContain('1  the request is valid but routing refused it');
  });

  it('is a command of the switchyard CLI, listed in its help', async () => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    expect(await main(['--help'])).toBe(0);
    expect(stdout).toMatch(/^ {2}explain +show where a request would be routed/m);
    stdout = '';
    expect(await main(['explain', '--config', CONVERSATION, '--request', SHORT_CHAT])).toBe(0);
    expect((JSON.parse(stdout) as Printed).decision.route).toBe('short');
  });
});
