import { describe, expect, it } from 'vitest';
import { mapHttpError, mapStreamError, readErrorInfo } from './map-error.ts';

const ORIGIN = { provider: 'anthropic-main', model: 'claude' };

function body(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body' });
}

describe('mapHttpError', () => {
  it.each([
    [400, 'invalid_request_error', 'messages: field required', 'upstream_bad_request', false],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 208310 tokens > 200000 maximum',
      'context_length_exceeded',
      false,
    ],
    [
      400,
      'invalid_request_error',
      'input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again',
      'context_length_exceeded',
      false,
    ],
    [400, 'invalid_request_error', 'Output blocked by content filtering policy', 'content_filtered', false],
    [401, 'authentication_error', 'invalid x-api-key', 'upstream_auth_failed', false],
    [402, 'billing_error', 'Your credit balance is too low', 'upstream_auth_failed', false],
    [403, 'permission_error', 'Your API key does not have permission', 'upstream_auth_failed', false],
    [404, 'not_found_error', 'model: claude-x', 'upstream_not_found', false],
    [
      413,
      'request_too_large',
      'Request exceeds the maximum allowed number of bytes.',
      'payload_too_large',
      false,
    ],
    [
      429,
      'rate_limit_error',
      'Number of request tokens has exceeded your rate limit',
      'upstream_rate_limited',
      true,
    ],
    [500, 'api_error', 'Internal server error', 'upstream_server_error', true],
    [503, 'api_error', 'Service unavailable', 'upstream_unavailable', true],
    [504, 'timeout_error', 'Request timed out', 'upstream_timeout', true],
    [529, 'overloaded_error', 'Overloaded', 'upstream_overloaded', true],
  ] as const)('%i %s → %s', (status, type, message, code, retryable) => {
    const error = mapHttpError(status, {}, body(type, message), ORIGIN);
    expect(error.code).toBe(code);
    expect(error.spec.retryable).toBe(retryable);
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ upstreamStatus: status, upstreamCode: type, ...ORIGIN });
  });

  it('keeps the wait from retry-after and the request id from the header', () => {
    const error = mapHttpError(
      429,
      { 'retry-after': '12', 'request-id': 'req_header' },
      body('rate_limit_error', 'slow down'),
      ORIGIN,
    );
    expect(error.details.retryAfterMs).toBe(12_000);
    expect(error.details.cause).toEqual({ requestId: 'req_header' });
  });

  it('falls back to the body request id, the raw body, then the status', () => {
    expect(mapHttpError(500, {}, body('api_error', 'boom'), ORIGIN).details.cause).toEqual({
      requestId: 'req_body',
    });
    const html = mapHttpError(502, {}, '<html>Bad gateway</html>', ORIGIN);
    expect(html.code).toBe('upstream_unavailable');
    expect(html.message).toBe('<html>Bad gateway</html>');
    expect(mapHttpError(418, {}, '', ORIGIN).message).toBe('The upstream returned HTTP 418');
  });
});

describe('mapStreamError', () => {
  it.each([
    ['overloaded_error', 'upstream_overloaded', true],
    ['api_error', 'upstream_server_error', true],
    ['rate_limit_error', 'upstream_rate_limited', true],
    ['timeout_error', 'upstream_timeout', true],
    ['invalid_request_error', 'upstream_bad_request', false],
    ['authentication_error', 'upstream_auth_failed', false],
    ['something_new', 'upstream_server_error', true],
  ] as const)('%s → %s', (type, code, retryable) => {
    const info = readErrorInfo(JSON.parse(body(type, 'x')));
    expect(info).toBeDefined();
    const error = mapStreamError(info!, ORIGIN);
    expect(error.code).toBe(code);
    expect(error.spec.retryable).toBe(retryable);
    expect(error.details.upstreamStatus).toBeUndefined();
  });
});

describe('readErrorInfo', () => {
  it('reads only Anthropic-shaped error bodies', () => {
    expect(readErrorInfo({ type: 'error', error: { type: 'api_error', message: 'm' } })).toEqual({
      type: 'api_error',
      message: 'm',
      requestId: undefined,
    });
    expect(readErrorInfo({ type: 'message' })).toBeUndefined();
    expect(readErrorInfo('text')).toBeUndefined();
  });
});
