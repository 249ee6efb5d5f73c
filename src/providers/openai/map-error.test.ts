import { describe, expect, it } from 'vitest';
import { mapHttpError, mapStreamError } from './map-error.ts';

const ORIGIN = { provider: 'openai-main', model: 'gpt-4o' };

function openAIError(fields: Record<string, unknown>): string {
  return JSON.stringify({
    error: { message: 'upstream says no', type: null, param: null, code: null, ...fields },
  });
}

describe('mapHttpError', () => {
  it.each([
    [400, { code: 'context_length_exceeded' }, 'context_length_exceeded'],
    [400, { code: 'content_policy_violation' }, 'content_filtered'],
    [400, { code: 'content_filter' }, 'content_filtered'],
    [400, { code: 'invalid_value', param: 'messages[0].role' }, 'upstream_bad_request'],
    [422, {}, 'upstream_bad_request'],
    [401, { code: 'invalid_api_key' }, 'upstream_auth_failed'],
    [403, {}, 'upstream_auth_failed'],
    [404, { code: 'model_not_found' }, 'upstream_not_found'],
    [408, {}, 'upstream_timeout'],
    [409, {}, 'upstream_bad_request'],
    [429, { code: 'rate_limit_exceeded' }, 'upstream_rate_limited'],
    [500, { type: 'server_error' }, 'upstream_server_error'],
    [502, {}, 'upstream_unavailable'],
    [503, {}, 'upstream_unavailable'],
    [504, {}, 'upstream_timeout'],
    [529, {}, 'upstream_overloaded'],
    [520, {}, 'upstream_server_error'],
  ] as const)('HTTP %i %j → %s', (status, fields, expected) => {
    const error = mapHttpError(status, {}, openAIError(fields), ORIGIN);
    expect(error.code).toBe(expected);
    expect(error.message).toBe('upstream says no');
    expect(error.details).toMatchObject({ upstreamStatus: status, provider: 'openai-main', model: 'gpt-4o' });
  });

  it('keeps the upstream code and param', () => {
    const error = mapHttpError(400, {}, openAIError({ code: 'invalid_value', param: 'temperature' }), ORIGIN);
    expect(error.details).toMatchObject({ upstreamCode: 'invalid_value', param: 'temperature' });
  });

  it('falls back to the error type when there is no code', () => {
    expect(mapHttpError(500, {}, openAIError({ type: 'server_error' }), ORIGIN).details.upstreamCode).toBe(
      'server_error',
    );
  });

  it('recognises a context overflow worded by a compatible server without a code', () => {
    const body = JSON.stringify({
      object: 'error',
      message: 'ignored',
      error: {
        message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
        code: 400,
      },
    });
    expect(mapHttpError(400, {}, body, ORIGIN).code).toBe('context_length_exceeded');
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(mapHttpError(429, { 'retry-after-ms': '250' }, '', ORIGIN).details.retryAfterMs).toBe(250);
    expect(mapHttpError(429, { 'retry-after': '3' }, '', ORIGIN).details.retryAfterMs).toBe(3000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = mapHttpError(429, { 'retry-after': inTenSeconds }, '', ORIGIN).details.retryAfterMs;
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
  });

  it('accepts `{"error": "text"}` and non-JSON bodies', () => {
    expect(mapHttpError(404, {}, '{"error":"model \\"llama3\\" not found"}', ORIGIN).message).toBe(
      'model "llama3" not found',
    );
    const html = mapHttpError(502, {}, '<html>Bad Gateway</html>', ORIGIN);
    expect(html.code).toBe('upstream_unavailable');
    expect(html.message).toBe('<html>Bad Gateway</html>');
    expect(mapHttpError(503, {}, '', ORIGIN).message).toBe('The upstream returned HTTP 503');
  });
});

describe('mapStreamError', () => {
  it('classifies by code or type when there is no status', () => {
    const info = (code: string | undefined, type: string | undefined) => ({
      message: 'm',
      code,
      type,
      param: undefined,
    });
    expect(mapStreamError(info('context_length_exceeded', 'invalid_request_error'), ORIGIN).code).toBe(
      'context_length_exceeded',
    );
    expect(mapStreamError(info(undefined, 'invalid_request_error'), ORIGIN).code).toBe(
      'upstream_bad_request',
    );
    expect(mapStreamError(info(undefined, 'server_error'), ORIGIN).code).toBe('upstream_server_error');
    expect(mapStreamError(info('overloaded', undefined), ORIGIN).code).toBe('upstream_overloaded');
    expect(mapStreamError(info('503', undefined), ORIGIN)).toMatchObject({
      code: 'upstream_unavailable',
      details: { upstreamStatus: 503 },
    });
  });
});
