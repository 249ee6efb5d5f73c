/**
 * The configs in examples/ load as they are (simulated models, no keys) and route their sample requests
 * where their header comments say. Every file in examples/ must be covered here: a new config needs its
 * cases, a new request must be used by some case, and both must be listed in examples/README.md.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.ts';
import type { ResolvedConfig } from '../src/config/resolved.ts';
import { GatewayError, type ErrorCode } from '../src/core/errors.ts';
import { createSignalRegistry } from '../src/features/signals/index.ts';
import type { RouteSelection } from '../src/routing/decision.ts';
import { createPlanner, type ExecutionPlan } from '../src/routing/plan.ts';
import { decodeChatCompletionRequest } from '../src/server/protocol/openai/decode-request.ts';

const EXAMPLES = join(import.meta.dirname, '../examples');
const REQUESTS = join(EXAMPLES, 'requests');

type Expected =
  | {
      readonly route: string;
      readonly targets: readonly string[];
      readonly selection?: RouteSelection;
      /** Targets a filter removed, when any. */
      readonly removed?: readonly string[];
    }
  | { readonly refused: ErrorCode };

interface Case {
  /** A file in examples/requests/, or a body built here. */
  readonly request: string | { readonly name: string; readonly body: object };
  readonly headers?: Readonly<Record<string, string>>;
  readonly expected: Expected;
}

/** A single-turn prompt of about `tokens` o200k tokens (each sentence is 13 tokens). */
function longPrompt(name: string, tokens: number): Case['request'] {
  const sentence = 'The parcel left the depot this morning and should arrive by noon. ';
  const content = sentence.repeat(Math.ceil(tokens / 13));
  return { name, body: { model: 'auto', messages: [{ role: 'user', content }], max_tokens: 1000 } };
}

const PROMPT_150K = longPrompt('a 150k-token prompt', 150_000);
const PROMPT_250K = longPrompt('a 250k-token prompt', 250_000);
const EU_ROUTE = {
  name: 'a request naming the route eu',
  body: { model: 'eu', messages: [{ role: 'user', content: 'Hello' }] },
};
const ESCALATED_IN_BODY = {
  name: 'a short chat with metadata.escalation in the body',
  body: { model: 'auto', messages: [{ role: 'user', content: 'Hello' }], metadata: { escalation: 'true' } },
};

const MID = ['sim-mid', 'sim-strong'];
const HEAVY = ['sim-strong', 'sim-mid'];
const PINNED = ['sim-strong-2025-06-01'];

const CASES: Readonly<Record<string, readonly Case[]>> = {
  'conversation-length.yaml': [
    { request: 'short-chat.json', expected: { route: 'short', targets: MID } },
    { request: 'support-question.json', expected: { route: 'short', targets: MID } },
    { request: 'fact.json', expected: { route: 'short', targets: MID } },
    { request: 'tools.json', expected: { route: 'short', targets: MID } },
    { request: 'long-conversation.json', expected: { route: 'heavy', targets: HEAVY } },
    {
      request: 'short-chat.json',
      headers: { 'x-switchyard-priority': 'high' },
      expected: { route: 'heavy', targets: HEAVY },
    },
    {
      request: 'short-chat.json',
      headers: { 'x-switchyard-meta-escalation': 'true' },
      expected: { route: 'heavy', targets: HEAVY },
    },
    { request: ESCALATED_IN_BODY, expected: { route: 'heavy', targets: HEAVY } },
    {
      request: 'short-chat.json',
      headers: { 'x-switchyard-priority': 'low' },
      expected: { route: 'default', targets: ['sim-lite', 'sim-mid'], selection: 'default' },
    },
    // An unknown priority reads as missing: neither rule holds.
    {
      request: 'short-chat.json',
      headers: { 'x-switchyard-priority': 'urgent' },
      expected: { route: 'default', targets: ['sim-lite', 'sim-mid'], selection: 'default' },
    },
    {
      request: 'named-model.json',
      headers: { 'x-switchyard-priority': 'high' },
      expected: { route: 'model:sim-mid', targets: ['sim-mid'], selection: 'requested-model' },
    },
    {
      request: PROMPT_150K,
      expected: { route: 'short', targets: ['sim-strong'], removed: ['sim-mid'] },
    },
    { request: PROMPT_250K, expected: { refused: 'context_length_exceeded' } },
  ],
  'compliance-pin.yaml': [
    { request: 'short-chat.json', expected: { route: 'default', targets: MID, selection: 'default' } },
    {
      request: 'named-model.json',
      expected: { route: 'model:sim-mid', targets: ['sim-mid'], selection: 'requested-model' },
    },
    {
      request: 'named-model.json',
      headers: { 'x-switchyard-tenant': 'acme-bank' },
      expected: { route: 'acme-bank', targets: PINNED, selection: 'pinned' },
    },
    {
      request: 'tools.json',
      headers: { 'x-switchyard-tenant': 'acme-bank' },
      expected: { route: 'acme-bank', targets: PINNED, selection: 'pinned' },
    },
    {
      request: 'short-chat.json',
      headers: { 'x-switchyard-tenant': 'other-bank' },
      expected: { route: 'default', targets: MID, selection: 'default' },
    },
    {
      request: EU_ROUTE,
      expected: { route: 'eu', targets: PINNED, selection: 'requested-route', removed: ['sim-mid'] },
    },
    {
      request: PROMPT_250K,
      headers: { 'x-switchyard-tenant': 'acme-bank' },
      expected: { refused: 'context_length_exceeded' },
    },
  ],
  'quick-facts-and-long-context.yaml': [
    { request: 'short-chat.json', expected: { route: 'quick-facts', targets: ['sim-lite', 'sim-mid'] } },
    { request: 'fact.json', expected: { route: 'quick-facts', targets: ['sim-lite', 'sim-mid'] } },
    {
      request: 'support-question.json',
      expected: { route: 'default', targets: MID, selection: 'default' },
    },
    {
      request: 'support-question.json',
      headers: { 'x-switchyard-meta-kind': 'fact' },
      expected: { route: 'quick-facts', targets: ['sim-lite', 'sim-mid'] },
    },
    {
      request: 'long-conversation.json',
      expected: { route: 'default', targets: MID, selection: 'default' },
    },
    { request: 'tools.json', expected: { route: 'tools', targets: ['sim-strong', 'sim-long'] } },
    { request: PROMPT_150K, expected: { route: 'long-context', targets: ['sim-long'] } },
    {
      request: 'named-model.json',
      expected: { route: 'model:sim-mid', targets: ['sim-mid'], selection: 'requested-model' },
    },
  ],
};

const configs = new Map<string, ResolvedConfig>();
for (const file of Object.keys(CASES)) {
  configs.set(file, await loadConfig({ path: join(EXAMPLES, file), env: {} }));
}

async function body(request: Case['request']): Promise<unknown> {
  if (typeof request !== 'string') return request.body;
  return JSON.parse(await readFile(join(REQUESTS, request), 'utf8')) as unknown;
}

async function plan(file: string, testCase: Case): Promise<ExecutionPlan> {
  const config = configs.get(file);
  if (config === undefined) throw new Error(`${file} was not loaded`);
  const request = decodeChatCompletionRequest(await body(testCase.request));
  const signals = createSignalRegistry().valuesFor({ request, headers: testCase.headers ?? {} });
  return createPlanner(config).plan(request, signals);
}

function describeCase({ request, headers }: Case): string {
  const name = typeof request === 'string' ? request : request.name;
  const sent = Object.entries(headers ?? {}).map(([header, value]) => `${header}: ${value}`);
  return sent.length === 0 ? name : `${name} with ${sent.join(', ')}`;
}

function expectedText(expected: Expected): string {
  return 'refused' in expected ? `is refused: ${expected.refused}` : `goes to ${expected.route}`;
}

describe.each(Object.entries(CASES))('examples/%s', (file, cases) => {
  it('loads with an empty environment, every provider active', () => {
    expect(configs.get(file)?.inactiveProviders).toEqual([]);
  });

  it('opens with a comment saying what it shows', async () => {
    const text = await readFile(join(EXAMPLES, file), 'utf8');
    const comment = text.split('\n').filter((line) => line.startsWith('#') && !line.includes('$schema'));
    expect(comment.join('\n').length).toBeGreaterThan(100);
  });

  it.each(cases.map((testCase) => [describeCase(testCase), expectedText(testCase.expected), testCase]))(
    '%s %s',
    async (_name, _expectation, testCase) => {
      const { expected } = testCase;
      if ('refused' in expected) {
        const error = await plan(file, testCase).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).code).toBe(expected.refused);
        return;
      }
      const { decision } = await plan(file, testCase);
      expect(decision.route).toBe(expected.route);
      expect(decision.targets).toEqual(expected.targets);
      expect(decision.selection).toBe(expected.selection ?? 'matched');
      expect(decision.removed.map((removal) => removal.target)).toEqual(expected.removed ?? []);
    },
  );

  it('has a case reaching every route', () => {
    const reached = new Set(cases.flatMap(({ expected }) => ('route' in expected ? [expected.route] : [])));
    const routes = [...(configs.get(file)?.routes.keys() ?? [])];
    expect(routes.filter((route) => !reached.has(route))).toEqual([]);
  });
});

describe('examples/', () => {
  it('has cases for every config, uses every sample request, and holds nothing else', async () => {
    const entries = await readdir(EXAMPLES, { withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders).toEqual(['alpacaeval', 'bench', 'eval', 'requests']);
    expect(files.filter((name) => name !== 'README.md').sort()).toEqual(Object.keys(CASES).sort());

    const requests = (await readdir(REQUESTS)).sort();
    const used = new Set(
      Object.values(CASES).flatMap((cases) =>
        cases.flatMap(({ request }) => (typeof request === 'string' ? [request] : [])),
      ),
    );
    expect(requests).toEqual([...used].sort());
  });

  it('lists every config and sample request in the README', async () => {
    const readme = await readFile(join(EXAMPLES, 'README.md'), 'utf8');
    const listed = [...Object.keys(CASES), ...(await readdir(REQUESTS))];
    expect(
      listed.filter((name) => !readme.includes(`(${name})`) && !readme.includes(`(requests/${name})`)),
    ).toEqual([]);
  });
});
