/**
 * Rule-based routing over real sockets: `auto` requests go to the first route whose rule holds, pinned
 * routes override what the client named, filters remove targets that cannot hold the request or lack a
 * required tag, and every decision can be read back with its reasons.
 */

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';
import { ConfigError } from '../../src/config/issues.ts';
import { startSimulator, type RunningSimulator } from '../../src/sim/server.ts';

const MODEL = (window: number, tags = '[]') => `
    provider: upstream
    upstream: sim-lite
    context_window: ${window}
    max_output_tokens: 64
    pricing: { input_per_million: 0.1, output_per_million: 0.4 }
    tags: ${tags}`;

const CONFIG = `
server: { log_level: silent }
providers:
  upstream: { type: openai-compatible, base_url: '\${SIM_URL}', forward_headers: [x-sim-fault] }
models:
  lite:${MODEL(128000)}
  heavy:${MODEL(200000)}
  small-window:${MODEL(300)}
  long:${MODEL(1000000)}
  eu-model:${MODEL(128000, '[eu, zdr]')}
routes:
  - name: compliance
    match: 'tenant == "bank"'
    pin: true
    require_tags: [eu]
    targets: [eu-model]
  - name: escalated
    match: 'convo_length > 4 || priority == "high"'
    targets: [heavy]
  - name: tools
    match: has_tools
    targets: [heavy]
  - name: quick
    match: 'metadata.kind == "fact" && prompt_tokens < 200'
    targets: [small-window, lite]
  - name: hard
    match: 'complexity == "extended"'
    targets: [heavy]
  - name: default
    targets: [lite]
  - name: needs-eu
    require_tags: [eu]
    targets: [lite]
  - name: canary
    strategy: split
    targets: [lite, heavy]
    weights: [80, 20]
  - name: overflow
    context_overflow: reroute
    reroute_to: long
    targets: [small-window]
  - name: trimmed
    context_overflow: trim
    targets: [small-window]
  - name: regional
    targets: [lite, eu-model]
  - name: summarized
    context_overflow: summarize
    summarize_with: lite
    targets: [small-window]
tenants:
  eu-only: { require_tags: [eu] }
default_route: default
`;

let simulator: RunningSimulator;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  simulator = await startSimulator({ latency: 'zero' });
  const config = await loadConfigText(CONFIG, { env: { SIM_URL: simulator.url }, source: 'routing.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await simulator.close();
});

interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

async function send(
  body: object,
  headers: Record<string, string> = {},
  path = '/v1/chat/completions',
): Promise<Sent> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

interface RecordJson {
  readonly servedModel: string | null;
  readonly attempts: readonly unknown[];
  readonly decision: {
    readonly route: string;
    readonly selection: string;
    readonly targets: readonly string[];
    readonly removed: readonly { target: string; filter: string; reason: string }[];
    readonly rules: readonly { route: string; result: boolean; reads: readonly { signal: string }[] }[];
  };
}

async function recordOf(sent: Sent): Promise<RecordJson> {
  const response = await fetch(`${url}/v1/requests/${sent.headers.get('x-switchyard-request-id') ?? ''}`);
  return (await response.json()) as RecordJson;
}

const turn = (content: string, role: 'user' | 'assistant' = 'user') => ({ role, content });
const chat = (extra: object = {}, messages = [turn('Hello there')]) => ({
  model: 'auto',
  messages,
  max_tokens: 8,
  ...extra,
});

describe('rule-based routing', () => {
  it('routes on the complexity tier, and records the tier it read', async () => {
    const hard = turn(
      'Design the architecture of a multi-region payments system. It must never double-charge and should survive a region outage. Explain the trade-offs and give a step-by-step migration plan.',
    );
    const sent = await send(chat({}, [hard]));
    expect(sent.headers.get('x-switchyard-route')).toBe('hard');
    const record = await recordOf(sent);
    expect(record.decision.rules.find((rule) => rule.route === 'hard')).toMatchObject({
      result: true,
      reads: [{ signal: 'complexity', value: 'extended' }],
    });
    const easy = await send(chat({}, [turn('What is the capital of Peru?')]));
    expect(easy.headers.get('x-switchyard-route')).toBe('default');
  });

  it('sends a request no rule matches to the default route', async () => {
    const { status, headers } = await send(chat());
    expect(status).toBe(200);
    expect(headers.get('x-switchyard-route')).toBe('default');
    expect(headers.get('x-switchyard-model')).toBe('lite');
  });

  it('routes by conversation length, priority header, tools and metadata, first matching rule wins', async () => {
    const long = [
      turn('a'),
      turn('b', 'assistant'),
      turn('c'),
      turn('d', 'assistant'),
      turn('e'),
      turn('f', 'assistant'),
      turn('g'),
      turn('h', 'assistant'),
      turn('i'),
    ];
    expect((await send(chat({}, long))).headers.get('x-switchyard-route')).toBe('escalated');
    expect((await send(chat(), { 'x-switchyard-priority': 'high' })).headers.get('x-switchyard-route')).toBe(
      'escalated',
    );
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    expect((await send(chat({ tools }))).headers.get('x-switchyard-route')).toBe('tools');
    expect((await send(chat({ metadata: { kind: 'fact' } }))).headers.get('x-switchyard-route')).toBe(
      'quick',
    );
    expect((await send(chat(), { 'x-switchyard-meta-kind': 'fact' })).headers.get('x-switchyard-route')).toBe(
      'quick',
    );
  });

  it('a pinned route overrides the model the client named', async () => {
    const { headers } = await send({ ...chat(), model: 'heavy' }, { 'x-switchyard-tenant': 'bank' });
    expect(headers.get('x-switchyard-route')).toBe('compliance');
    expect(headers.get('x-switchyard-model')).toBe('eu-model');
    // Without the tenant the named model is honoured.
    expect((await send({ ...chat(), model: 'heavy' })).headers.get('x-switchyard-model')).toBe('heavy');
  });

  it('filters out a target whose window cannot hold the request, and records why', async () => {
    const words = 'The parcel left the depot this morning and should arrive by noon. '.repeat(30);
    const sent = await send(chat({ metadata: { kind: 'fact' }, max_tokens: 8 }, [turn(words)]));
    // prompt_tokens < 200 fails for this prompt, so the quick route does not match at all.
    expect(sent.headers.get('x-switchyard-route')).toBe('default');

    const mid = 'Where is my parcel? '.repeat(25);
    const quick = await send(chat({ metadata: { kind: 'fact' }, max_tokens: 200 }, [turn(mid)]));
    expect(quick.headers.get('x-switchyard-route')).toBe('quick');
    expect(quick.headers.get('x-switchyard-model')).toBe('lite');
    const record = await recordOf(quick);
    expect(record.decision.removed).toEqual([
      expect.objectContaining({ target: 'small-window', filter: 'context_window' }),
    ]);
    expect(record.decision.targets).toEqual(['lite']);
    expect(record.servedModel).toBe('lite');
  });

  it('names the constraint when filters leave nothing', async () => {
    const { status, body } = await send({ ...chat(), model: 'needs-eu' });
    expect(status).toBe(422);
    expect((body.error as { code: string; message: string }).code).toBe('no_eligible_target');
    expect((body.error as { message: string }).message).toContain('lite: lacks required tag(s) eu');
  });

  it('records every rule evaluated, the values it read and how the route was chosen', async () => {
    const sent = await send(chat({ metadata: { kind: 'fact' } }));
    const record = await recordOf(sent);
    expect(record.decision.selection).toBe('matched');
    expect(record.decision.route).toBe('quick');
    expect(record.decision.rules.map((rule) => [rule.route, rule.result])).toEqual([
      ['compliance', false],
      ['escalated', false],
      ['tools', false],
      ['quick', true],
    ]);
    const quick = record.decision.rules[3];
    expect(quick?.reads.map((read) => read.signal)).toEqual(['metadata.kind', 'prompt_tokens']);
    expect(record.attempts).toHaveLength(1);
  });

  it('explains a request without calling a model', async () => {
    const { status, body } = await send(chat(), { 'x-switchyard-priority': 'high' }, '/v1/route/explain');
    expect(status).toBe(200);
    expect((body.decision as { route: string }).route).toBe('escalated');
    expect(body.signals_read).toMatchObject({ priority: 'high' });
    const missing = await fetch(`${url}/v1/requests/req_unknown`);
    expect(missing.status).toBe(404);
  });
});

describe('summarizing to fit', () => {
  it('condenses older turns with the summarizing model, and reuses the summary on a retry', async () => {
    const history = 'We compared three carriers for the Rotterdam route and chose the cheapest one. '.repeat(
      8,
    );
    const messages = [
      turn(history),
      turn(history, 'assistant'),
      turn(history),
      turn(history, 'assistant'),
      turn('Which carrier did we pick?'),
    ];
    interface Summarized {
      decision: {
        fitting: {
          action: string;
          with: string;
          promptTokens: number;
          steps: { kind: string; cached?: boolean }[];
        };
      };
    }
    const recordFor = async (sent: Sent): Promise<Summarized> =>
      (await (
        await fetch(`${url}/v1/requests/${sent.headers.get('x-switchyard-request-id') ?? ''}`)
      ).json()) as Summarized;

    const first = await send({ model: 'summarized', messages, max_tokens: 8 });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-model')).toBe('small-window');
    const record = await recordFor(first);
    expect(record.decision.fitting).toMatchObject({ action: 'summarize', with: 'lite' });
    expect(record.decision.fitting.promptTokens).toBeLessThanOrEqual(300 - 8);
    const summarized = record.decision.fitting.steps.find((step) => step.kind === 'summarized');
    expect(summarized?.cached).toBe(false);

    const retry = await recordFor(await send({ model: 'summarized', messages, max_tokens: 8 }));
    expect(retry.decision.fitting.steps.find((step) => step.kind === 'summarized')?.cached).toBe(true);

    // A dry run says what would happen without calling the summarizing model.
    const explained = await send({ model: 'summarized', messages, max_tokens: 8 }, {}, '/v1/route/explain');
    expect((explained.body.decision as Summarized['decision']).fitting).toMatchObject({
      action: 'summarize',
      pending: true,
    });
  });
});

describe('tenant constraints', () => {
  it("a tenant's required tags apply on top of the route's", async () => {
    const other = await send({ ...chat(), model: 'regional' }, { 'x-switchyard-tenant': 'someone' });
    expect(other.headers.get('x-switchyard-model')).toBe('lite');
    const eu = await send({ ...chat(), model: 'regional' }, { 'x-switchyard-tenant': 'eu-only' });
    expect(eu.headers.get('x-switchyard-model')).toBe('eu-model');
    const none = await send({ ...chat(), model: 'lite' }, { 'x-switchyard-tenant': 'eu-only' });
    expect(none.status).toBe(422);
    expect((none.body.error as { message: string }).message).toContain('lite: lacks required tag(s) eu');
  });
});

describe('split routes and context overflow', () => {
  interface Explained {
    readonly decision: {
      targets: string[];
      split?: { key: string | null; chosen: string };
      fitting?: unknown;
    };
  }
  const explain = async (body: object, headers: Record<string, string> = {}): Promise<Explained> =>
    (await send(body, headers, '/v1/route/explain')).body as unknown as Explained;

  it('splits by weight across conversations and keeps each conversation on one target', async () => {
    let heavy = 0;
    const conversations = 400;
    for (let index = 0; index < conversations; index++) {
      const { decision } = await explain({
        ...chat({}, [turn(`Question number ${index}?`)]),
        model: 'canary',
      });
      expect(decision.split?.key).toMatch(/^h/);
      if (decision.split?.chosen === 'heavy') heavy += 1;
      expect(decision.targets).toHaveLength(2); // the loser follows as a fallback
    }
    // 20 % expected; 400 draws put 99.9 % of outcomes within about ±8 points.
    expect(heavy / conversations).toBeGreaterThan(0.12);
    expect(heavy / conversations).toBeLessThan(0.28);

    const opening = [turn('Plan my trip to Lisbon')];
    const first = await explain({ ...chat({}, opening), model: 'canary' });
    const later = await explain({
      ...chat({}, [...opening, turn('Sure, when?', 'assistant'), turn('In May')]),
      model: 'canary',
    });
    expect(later.decision.split?.chosen).toBe(first.decision.split?.chosen);
    const byId = await explain(
      { ...chat(), model: 'canary' },
      { 'x-switchyard-meta-conversation_id': 'c-42' },
    );
    expect(byId.decision.split?.key).toBe('c-42');
  });

  it('reroutes a request that fits no target of its route to the long-context model', async () => {
    const long = 'The warehouse shipped the order on time and the customer confirmed receipt. '.repeat(40);
    const { decision } = await explain({ ...chat({}, [turn(long)]), model: 'overflow' });
    expect(decision.targets).toEqual(['long']);
    expect(decision.fitting).toEqual({ action: 'reroute', to: 'long' });
    const small = await explain({ ...chat(), model: 'overflow' });
    expect(small.decision.targets).toEqual(['small-window']);
  });
});

describe('trimming to fit', () => {
  it('drops the oldest turns so the conversation fits, keeping the system prompt and the latest turn', async () => {
    const history = 'We discussed the delivery schedule for the Rotterdam warehouse in detail. '.repeat(8);
    const messages = [
      { role: 'system', content: 'You are a logistics assistant.' },
      turn(history),
      turn(history, 'assistant'),
      turn(history),
      turn(history, 'assistant'),
      turn('So when does the pallet arrive?'),
    ];
    const sent = await send({ model: 'trimmed', messages, max_tokens: 8 });
    expect(sent.status).toBe(200);
    expect(sent.headers.get('x-switchyard-model')).toBe('small-window');
    const usage = sent.body.usage as { prompt_tokens: number };
    expect(usage.prompt_tokens).toBeLessThanOrEqual(300 - 8);
    const record = (await (
      await fetch(`${url}/v1/requests/${sent.headers.get('x-switchyard-request-id') ?? ''}`)
    ).json()) as {
      decision: { fitting: { action: string; promptTokens: number; steps: { kind: string }[] } };
    };
    expect(record.decision.fitting.action).toBe('trim');
    expect(record.decision.fitting.promptTokens).toBeLessThanOrEqual(292);
    expect(record.decision.fitting.steps.map((step) => step.kind)).toContain('dropped-messages');
  });

  it('rejects with the counts when not even the latest turn fits beside the requested output', async () => {
    const huge = 'Every sentence here is part of one enormous question about shipping. '.repeat(200);
    const { status, body } = await send({ model: 'trimmed', messages: [turn(huge)], max_tokens: 299 });
    expect(status).toBe(400);
    const error = body.error as { code: string; message: string };
    expect(error.code).toBe('context_length_exceeded');
    expect(error.message).toMatch(/\d+ prompt \+ 299 output tokens/);
    expect(error.message).toContain('small-window: prompt');
  });
});

describe('rules in config', () => {
  it('a rule naming an unknown signal is a config error pointing into the rule', async () => {
    const bad = CONFIG.replace('match: has_tools', 'match: has_toolz');
    const error = await loadConfigText(bad, {
      env: { SIM_URL: 'http://127.0.0.1:1/v1' },
      source: 'bad.yaml',
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue.path).toBe('routes[2].match');
    expect(issue.message).toContain('has_toolz');
    expect(issue.line).toBe(CONFIG.split('\n').findIndex((line) => line.includes('match: has_tools')) + 1);
    expect(issue.column).toBe('    match: '.length + 1);
  });
});
