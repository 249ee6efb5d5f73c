import { describe, expect, it } from 'vitest';
import { mapHttpError, mapStreamError, parseDurationMs, readErrorInfo } from './map-error.ts';

const ORIGIN = { provider: 'gemini-main', model: 'flash' };

function googleError(code: number, status: string, message: string, details?: readonly object[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details === undefined ? {} : { details }) } });
}
const retryInfo = (retryDelay: string) => ({
  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
  retryDelay,
});

describe('parseDurationMs', () => {
  it.each([
    ['7s', 7000],
    ['0.250s', 250],
    ['1.0001s', 1001],
    ['7', undefined],
    ['soon', undefined],
  ] as const)('%s → %s', (text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });
});

describe('mapHttpError', () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.', 'upstream_bad_request', false],
    [
      400,
      'INVALID_ARGUMENT',
      'The input token count (1310633) exceeds the maximum number of tokens allowed (1048576).',
      'context_length_exceeded',
      false,
    ],
    [
      400,
      'INVALID_ARGUMENT',
      'API key not valid. Please pass a valid API key.',
      'upstream_auth_failed',
      false,
    ],
    [
      400,
      'FAILED_PRECONDITION',
      'User location is not supported for the API use.',
      'upstream_auth_failed',
      false,
    ],
    [403, 'PERMISSION_DENIED', 'Method doesn’t allow unregistered callers.', 'upstream_auth_failed', false],
    [404, 'NOT_FOUND', 'models/x is not found for API version v1beta.', 'upstream_not_found', false],
    [429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', 'upstream_rate_limited', true],
    [500, 'INTERNAL', 'An internal error has occurred.', 'upstream_server_error', true],
    [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'upstream_unavailable', true],
    [504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.', 'upstream_timeout', true],
  ] as const)('%s %s → %s', (status, name, message, code, retryable) => {
    const error = mapHttpError(status, {}, googleError(status, name, message), ORIGIN);
    expect(error.code).toBe(code);
    expect(error.spec.retryable).toBe(retryable);
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ upstreamStatus: status, upstreamCode: name, ...ORIGIN });
  });

  it('recognises an invalid key by its ErrorInfo reason', () => {
    const body = googleError(400, 'INVALID_ARGUMENT', 'Bad key', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
      },
    ]);
    expect(mapHttpError(400, {}, body, ORIGIN).code).toBe('upstream_auth_failed');
  });

  it('takes the retry delay from RetryInfo before a retry-after header', () => {
    const body = googleError(429, 'RESOURCE_EXHAUSTED', 'quota', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
      retryInfo('33s'),
    ]);
    expect(mapHttpError(429, { 'retry-after': '5' }, body, ORIGIN).details.retryAfterMs).toBe(33_000);
    const withoutInfo = googleError(429, 'RESOURCE_EXHAUSTED', 'quota');
    expect(mapHttpError(429, { 'retry-after': '5' }, withoutInfo, ORIGIN).details.retryAfterMs).toBe(5000);
    expect(mapHttpError(429, {}, withoutInfo, ORIGIN).details.retryAfterMs).toBeUndefined();
  });

  it('classifies a body that is not Google JSON by the status alone', () => {
    const error = mapHttpError(502, {}, '<html>Bad Gateway</html>', ORIGIN);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toBe('<html>Bad Gateway</html>');
    expect(mapHttpError(500, {}, '', ORIGIN).message).toBe('The upstream returned HTTP 500');
  });
});

describe('mapStreamError', () => {
  it('uses the code inside the event as the status', () => {
    const info = readErrorInfo(JSON.parse(googleError(503, 'UNAVAILABLE', 'overloaded')));
    const error = mapStreamError(info!, ORIGIN);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.details.upstreamStatus).toBe(503);
  });

  it('treats an error with neither code nor status as a retryable server error', () => {
    const error = mapStreamError(
      { code: undefined, message: 'boom', status: undefined, reason: undefined, retryDelayMs: undefined },
      ORIGIN,
    );
    expect(error.code).toBe('upstream_server_error');
    expect(error.spec.retryable).toBe(true);
  });
});
