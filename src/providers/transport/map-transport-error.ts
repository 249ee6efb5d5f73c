import { GatewayError, isGatewayError } from '../../core/errors.ts';

/** Where in the exchange a failure happened: it changes the wording, and a timeout's meaning. */
export type TransportPhase = 'headers' | 'body';

/** Socket-level failures: the upstream could not be reached or dropped the connection. */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ETIMEDOUT',
]);

/** The upstream answered, but not with valid HTTP. */
const BAD_RESPONSE_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
]);

/**
 * Turn whatever undici or the socket threw into a catalogued error. A `GatewayError` (an abort reason
 * we chose ourselves) passes through untouched.
 */
export function mapTransportError(error: unknown, phase: TransportPhase): GatewayError {
  if (isGatewayError(error)) return error;
  const code = errorCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  const where = phase === 'headers' ? 'before the response headers' : 'in the middle of the response body';

  if (code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new GatewayError('upstream_timeout', 'The upstream did not send response headers in time', {
      cause: error,
    });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') {
    return new GatewayError('upstream_timeout', 'The upstream went silent mid-body', { cause: error });
  }
  if (code === 'UND_ERR_ABORTED' || code === 'UND_ERR_ABORT') {
    return new GatewayError('client_closed_request', `The request was aborted ${where}`, { cause: error });
  }
  if (code !== undefined && (BAD_RESPONSE_CODES.has(code) || code.startsWith('HPE_'))) {
    return new GatewayError('upstream_bad_response', `The upstream sent malformed HTTP ${where}: ${reason}`, {
      cause: error,
    });
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // Our own request was unsendable (bad URL or header): a gateway bug or config error, not the upstream's.
    return new GatewayError('internal_error', `The upstream request could not be built: ${reason}`, {
      cause: error,
    });
  }
  // Known socket failures and anything unrecognised: the exchange with the upstream broke down.
  const known = code === undefined || CONNECTION_CODES.has(code);
  return new GatewayError(
    'upstream_connection_failed',
    `Connection to the upstream failed ${where}${known ? '' : ` (${code})`}: ${reason}`,
    { cause: error },
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
