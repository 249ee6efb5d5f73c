/** A plain request-log row for the stores' and the writer's tests, overridden per test. */

import type { RequestLogRow } from './row.ts';

export function testRow(id: string, receivedAt = 1, overrides: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    id,
    receivedAt,
    configVersion: 'v1',
    protocol: 'openai',
    stream: false,
    requestedModel: 'auto',
    route: 'default',
    servedModel: 'm',
    provider: 'p',
    status: 200,
    outcome: 'ok',
    errorMessage: null,
    tenant: null,
    tags: { team: 'a' },
    fallback: false,
    retries: 0,
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: null,
    costUsd: 0.001,
    latency: { decisionMs: 0.2, queueMs: 0, ttftMs: 50, totalMs: 100, upstreamMs: 95, overheadMs: 5 },
    decision: null,
    attempts: [],
    prompt: undefined,
    completion: null,
    ...overrides,
  };
}
