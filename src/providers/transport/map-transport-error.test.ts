import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { mapTransportError } from './map-transport-error.ts';

function failure(code: string): Error {
  return Object.assign(new Error(`failed with ${code}`), { code });
}

describe('mapTransportError', () => {
  it.each([
    ['ECONNREFUSED', 'headers', 'upstream_connection_failed'],
    ['ECONNRESET', 'body', 'upstream_connection_failed'],
    ['UND_ERR_SOCKET', 'headers', 'upstream_connection_failed'],
    ['UND_ERR_CONNECT_TIMEOUT', 'headers', 'upstream_connection_failed'],
    ['UND_ERR_HEADERS_TIMEOUT', 'headers', 'upstream_timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'body', 'upstream_timeout'],
    ['UND_ERR_ABORTED', 'headers', 'client_closed_request'],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'body', 'upstream_bad_response'],
    ['HPE_INVALID_CONSTANT', 'headers', 'upstream_bad_response'],
    ['UND_ERR_INVALID_ARG', 'headers', 'internal_error'],
    ['SOMETHING_NEW', 'body', 'upstream_connection_failed'],
  ] as const)('%s during %s → %s', (code, phase, expected) => {
    const mapped = mapTransportError(failure(code), phase);
    expect(mapped.code).toBe(expected);
    expect(mapped.details.cause).toBeInstanceOf(Error);
  });

  it('passes a GatewayError through unchanged', () => {
    const deadline = new GatewayError('deadline_exceeded', 'late');
    expect(mapTransportError(deadline, 'body')).toBe(deadline);
  });
});
