/**
 * Cascades and verification passes end to end: the in-process simulator plays cheap and strong models,
 * a model that refuses, and graders with scripted replies (sim profile `reply`); a local webhook plays
 * the user's verifier service. Each test reads the response headers and the request record.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.ts';
import { loadConfigText } from '../../src/config/load.ts';

const PRICE = 'pricing: { input_per_million: 1, output_per_million: 2 }';
const FAST = 'ttft_ms: { median: 1, p95: 2 }, tokens_per_second: 1000, context_window: 128000';

const CONFIG = `
server: { log_level: silent }
providers:
  sim:
    type: sim
    latency: zero
    profiles:
      refuser: { ${FAST}, reply: "I'm sorry, but I can't help with that request." }
      approver: { ${FAST}, reply: "SCORE: 9\\nCorrect and complete." }
      rejecter: { ${FAST}, reply: "SCORE: 2\\nThe answer is wrong." }
      mumbler: { ${FAST}, reply: "Looks fine to me, I suppose." }
      slowpoke: { ${FAST}, faults: ['slow_first_token; ms=3000'] }
models:
  lite: { provider: sim, upstream: sim-lite, ${PRICE}, capabilities: { logprobs: true } }
  refusing: { provider: sim, upstream: refuser, ${PRICE} }
  strong: { provider: sim, upstream: sim-strong, ${PRICE} }
  slow: { provider: sim, upstream: slowpoke, ${PRICE} }
  judge-yes: { provider: sim, upstream: approver, ${PRICE} }
  judge-no: { provider: sim, upstream: rejecter, ${PRICE} }
  judge-mumbles: { provider: sim, upstream: mumbler, ${PRICE} }
routes:
  - { name: default, targets: [lite] }
  - { name: refusal, strategy: cascade, targets: [refusing, strong] }
  - { name: three-tier, strategy: cascade, targets: [refusing, lite, strong] }
  - { name: approved, strategy: cascade, targets: [lite, strong], cascade: { verifier: { model: judge-yes } } }
  - { name: rejected, strategy: cascade, targets: [lite, strong], cascade: { verifier: { model: judge-no } } }
  - { name: grader-mumbles, strategy: cascade, targets: [lite, strong], cascade: { verifier: { model: judge-mumbles } } }
  - name: grader-mumbles-accept
    strategy: cascade
    targets: [lite, strong]
    cascade: { verifier: { model: judge-mumbles }, on_verifier_error: accept }
  - { name: json-fields, strategy: cascade, targets: [lite, strong], cascade: { rules: { required_fields: [verdict_code] } } }
  - { name: unsure, strategy: cascade, targets: [lite, strong], cascade: { min_confidence: 0.999 } }
  - { name: sure-enough, strategy: cascade, targets: [lite, strong], cascade: { min_confidence: 0.000001 } }
  - { name: webhook, strategy: cascade, targets: [lite, strong], cascade: { webhook: { url: '\${HOOK_URL}' } } }
  - name: out-of-time
    strategy: cascade
    targets: [refusing, slow]
    deadline_ms: 400
  - name: out-of-time-keep
    strategy: cascade
    targets: [refusing, slow]
    deadline_ms: 400
    cascade: { on_exhausted: last_answer }
  - name: out-of-budget
    strategy: cascade
    targets: [refusing, lite, strong]
    cascade: { max_cost_usd: 0.0000001 }
  - { name: policy, targets: [lite], verify: { model: judge-yes } }
  - { name: policy-refuse, targets: [lite], verify: { model: judge-no, refusal_text: 'Not allowed here.' } }
  - { name: policy-grader-down, targets: [lite], verify: { model: judge-mumbles } }
  - name: policy-escalate
    targets: [lite]
    verify: { model: judge-no, on_reject: escalate, escalate_to: strong }
`;

interface AttemptView {
  readonly target: string;
  readonly outcome: string;
  readonly costUsd: number | null;
  readonly purpose?: string;
  readonly verdict?: {
    readonly stage: string;
    readonly accepted: boolean;
    readonly checks: readonly { check: string; passed: boolean; reason: string; verifierFailed?: boolean }[];
  };
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

let gateway: Gateway;
let url: string;
let hook: Server;
/** What the webhook receives, and what it answers next. */
const hookCalls: { model: string; answer: { text: string } }[] = [];
let hookAccepts = true;

beforeAll(async () => {
  hook = createServer((incoming, outgoing) => {
    let body = '';
    incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
    incoming.on('end', () => {
      hookCalls.push(JSON.parse(body) as { model: string; answer: { text: string } });
      outgoing.writeHead(200, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ accept: hookAccepts, reason: hookAccepts ? 'fine' : 'off-brand tone' }));
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const env = { HOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/verify` };
  const config = await loadConfigText(CONFIG, { env, source: 'cascade.yaml' });
  gateway = await createGateway(config, pino({ level: 'silent' }));
  url = (await gateway.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await gateway.close();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
});

async function ask(route: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: route,
      messages: [{ role: 'user', content: 'What is a cascade?' }],
      ...extra,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function attemptsOf(answer: Answer): Promise<readonly AttemptView[]> {
  const id = answer.headers.get('x-switchyard-request-id') ?? '';
  const response = await fetch(`${url}/v1/requests/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { attempts: readonly AttemptView[] }).attempts;
}

function textOf(answer: Answer): string {
  return (JSON.parse(answer.body) as { choices: { message: { content: string } }[] }).choices[0]!.message
    .content;
}

describe('cascade', () => {
  it('escalates past a refusal found by the rule checks, at no verifier cost', async () => {
    const answer = await ask('refusal');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchyard-model')).toBe('strong');
    expect(answer.headers.get('x-switchyard-cascade')).toBe(
      'refusing=rejected(rules: the answer is a refusal), strong=final',
    );
    const attempts = await attemptsOf(answer);
    expect(attempts.map((attempt) => attempt.target)).toEqual(['refusing', 'strong']);
    expect(attempts[0]!.verdict).toMatchObject({ stage: 'cascade', accepted: false });
    expect(attempts.some((attempt) => attempt.purpose === 'verifier')).toBe(false);
  });

  it('keeps the cheap answer when the verifier model approves it, and counts the grader', async () => {
    const answer = await ask('approved');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchyard-model')).toBe('lite');
    expect(answer.headers.get('x-switchyard-cascade')).toBe('lite=accepted');
    const attempts = await attemptsOf(answer);
    expect(attempts.map((attempt) => [attempt.target, attempt.purpose ?? 'answer'])).toEqual([
      ['lite', 'answer'],
      ['judge-yes', 'verifier'],
    ]);
    expect(attempts[0]!.verdict?.checks.map((check) => check.check)).toEqual(['rules', 'model']);
    expect(attempts[0]!.verdict?.checks[1]).toMatchObject({ passed: true, reason: 'score 9 >= 7' });
    // The grader's tokens are priced like any attempt's.
    expect(attempts[1]!.costUsd).toBeGreaterThan(0);
  });

  it('escalates when the verifier model rejects the cheap answer', async () => {
    const answer = await ask('rejected');
    expect(answer.headers.get('x-switchyard-model')).toBe('strong');
    expect(answer.headers.get('x-switchyard-cascade')).toBe(
      'lite=rejected(model: score 2 < 7), strong=final',
    );
    const attempts = await attemptsOf(answer);
    expect(attempts.map((attempt) => attempt.target)).toEqual(['lite', 'judge-no', 'strong']);
  });

  it('walks three tiers, cheapest first', async () => {
    const answer = await ask('three-tier');
    expect(answer.headers.get('x-switchyard-model')).toBe('lite');
    expect(answer.headers.get('x-switchyard-cascade')).toBe(
      'refusing=rejected(rules: the answer is a refusal), lite=accepted',
    );
  });

  it('escalates when the verifier fails, or accepts when the route says so', async () => {
    const escalated = await ask('grader-mumbles');
    expect(escalated.headers.get('x-switchyard-model')).toBe('strong');
    const [verdict] = (await attemptsOf(escalated)).flatMap((attempt) => attempt.verdict ?? []);
    expect(verdict?.checks.at(-1)).toMatchObject({ check: 'model', passed: false, verifierFailed: true });
    expect(verdict?.checks.at(-1)?.reason).toContain('no grade in the reply');

    const accepted = await ask('grader-mumbles-accept');
    expect(accepted.headers.get('x-switchyard-model')).toBe('lite');
  });

  it('checks the fields of a JSON answer', async () => {
    const answer = await ask('json-fields', { response_format: { type: 'json_object' } });
    expect(answer.headers.get('x-switchyard-cascade')).toBe(
      'lite=rejected(rules: required field "verdict_code" is missing), strong=final',
    );
  });

  it('escalates an answer cut by the output limit', async () => {
    const answer = await ask('refusal', { max_tokens: 3 });
    // The refuser's reply is cut before it reads as a refusal; truncation is what rejects it.
    expect(answer.headers.get('x-switchyard-cascade')).toContain(
      'refusing=rejected(rules: finish_reason is length',
    );
  });

  it('judges confidence from logprobs it asked for, without handing them to the client', async () => {
    const unsure = await ask('unsure');
    expect(unsure.headers.get('x-switchyard-cascade')).toMatch(
      /^lite=rejected\(confidence: 0\.\d+ < 0\.999\)/,
    );
    const sure = await ask('sure-enough');
    expect(sure.headers.get('x-switchyard-model')).toBe('lite');
    const choice = (JSON.parse(sure.body) as { choices: { logprobs?: unknown }[] }).choices[0];
    expect(choice?.logprobs ?? null).toBeNull();
  });

  it("asks the user's webhook, which can accept or reject", async () => {
    hookAccepts = true;
    hookCalls.length = 0;
    const accepted = await ask('webhook');
    expect(accepted.headers.get('x-switchyard-model')).toBe('lite');
    expect(hookCalls).toHaveLength(1);
    expect(hookCalls[0]!.model).toBe('lite');
    expect(hookCalls[0]!.answer.text).toBe(textOf(accepted));

    hookAccepts = false;
    const rejected = await ask('webhook');
    expect(rejected.headers.get('x-switchyard-cascade')).toBe(
      'lite=rejected(webhook: off-brand tone), strong=final',
    );
  });

  it('fails with the deadline when it runs out mid-cascade, or sends the last answer marked unverified', async () => {
    const failed = await ask('out-of-time');
    expect(failed.status).toBe(504);
    expect(failed.body).toContain('deadline');

    const kept = await ask('out-of-time-keep');
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-switchyard-model')).toBe('refusing');
    expect(kept.headers.get('x-switchyard-verified')).toBe('unverified');
  });

  it('stops escalating once the cost budget is spent', async () => {
    const answer = await ask('out-of-budget');
    expect(answer.status).toBe(502);
    const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('answer_rejected');
    expect(error.message).toContain('refusing=rejected');
  });

  it('streams an accepted cheap answer once verified, and the last tier live', async () => {
    const accepted = await ask('approved', { stream: true });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('x-switchyard-cascade')).toBe('lite=accepted');
    expect(accepted.body).toContain('"content"');
    expect(accepted.body).toContain('data: [DONE]');

    const escalated = await ask('rejected', { stream: true });
    expect(escalated.headers.get('x-switchyard-model')).toBe('strong');
    expect(escalated.body).toContain('data: [DONE]');
  });
});

describe('verification pass', () => {
  it('sends the answer once the stronger model approves it', async () => {
    const answer = await ask('policy');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchyard-verified')).toBe('approved');
    const attempts = await attemptsOf(answer);
    expect(attempts[0]!.verdict).toMatchObject({ stage: 'verify', accepted: true });
    expect(attempts[1]).toMatchObject({ target: 'judge-yes', purpose: 'verifier' });
  });

  it('answers with the safe refusal when the verifier rejects, streaming included', async () => {
    const answer = await ask('policy-refuse');
    expect(answer.headers.get('x-switchyard-verified')).toBe('refused');
    expect(textOf(answer)).toBe('Not allowed here.');
    const choice = (JSON.parse(answer.body) as { choices: { finish_reason: string }[] }).choices[0];
    expect(choice?.finish_reason).toBe('content_filter');

    const streamed = await ask('policy-refuse', { stream: true });
    expect(streamed.body).toContain('Not allowed here.');
    expect(streamed.body).toContain('data: [DONE]');
  });

  it('fails closed when the verifier cannot give a grade', async () => {
    const answer = await ask('policy-grader-down');
    expect(answer.headers.get('x-switchyard-verified')).toBe('refused');
  });

  it('escalates to the stronger model on rejection when configured', async () => {
    const answer = await ask('policy-escalate');
    expect(answer.headers.get('x-switchyard-verified')).toBe('escalated');
    expect(answer.headers.get('x-switchyard-model')).toBe('strong');
    const attempts = await attemptsOf(answer);
    expect(attempts.map((attempt) => attempt.target)).toEqual(['lite', 'judge-no', 'strong']);
  });
});
