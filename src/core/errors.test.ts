import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AllAttemptsFailedError,
  ERROR_CATALOGUE,
  GatewayError,
  toGatewayError,
  type ErrorCode,
} from './errors.ts';

describe('error catalogue', () => {
  it('is documented row for row in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      const row = doc.split('\n').find((line) => line.split('|')[1]?.trim() === `\`${code}\``);
      expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
      const cells = row!.split('|').map((cell) => cell.trim());
      expect(cells[2], `${code} status`).toBe(String(spec.httpStatus));
      expect(cells[3], `${code} openai type`).toBe(spec.openaiType);
      expect(cells[4], `${code} anthropic type`).toBe(spec.anthropicType);
      expect(cells[5], `${code} retryable`).toBe(spec.retryable ? 'yes' : 'no');
      expect(cells[6], `${code} next target`).toBe(spec.tryNextTarget ? 'yes' : 'no');
    }
  });

  it('marks every retryable class as worth trying the next target too', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      if (spec.retryable) expect(spec.tryNextTarget, code).toBe(true);
    }
  });

  it('aggregates every attempt and keeps the last class', () => {
    const last = new GatewayError('upstream_unavailable', 'down', { upstreamStatus: 503 });
    const aggregate = new AllAttemptsFailedError(last, [
      {
        target: 'a',
        provider: 'p',
        code: 'upstream_rate_limited',
        upstreamStatus: 429,
        message: 'slow down',
        durationMs: 12.4,
      },
      {
        target: 'b',
        provider: 'q',
        code: 'upstream_unavailable',
        upstreamStatus: 503,
        message: 'down',
        durationMs: 3,
      },
    ]);
    expect(aggregate.code).toBe<ErrorCode>('upstream_unavailable');
    expect(aggregate.message).toContain('a: upstream_rate_limited (429) after 12 ms');
    expect(aggregate.message).toContain('b: upstream_unavailable (503) after 3 ms');
    expect(aggregate.attempts).toHaveLength(2);
  });

  it('wraps anything thrown as an internal error', () => {
    expect(toGatewayError(new Error('boom')).code).toBe('internal_error');
    expect(toGatewayError('text').message).toBe('text');
  });
});
