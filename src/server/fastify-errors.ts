import { GatewayError, isGatewayError } from '../core/errors.ts';

interface FrameworkError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

/**
 * Errors raised by fastify itself (body parsing, limits, routing) → catalogued errors, so they reach
 * the client in its own error shape like every other failure.
 */
export function fromFrameworkError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const framework = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  const message = typeof framework.message === 'string' ? framework.message : 'request failed';
  switch (framework.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'Request body is larger than the gateway accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        'unsupported_media_type',
        "Send the request body as JSON with 'content-type: application/json'.",
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_json', 'Request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('invalid_json', `Request body is not valid JSON: ${message}`);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError(
        'invalid_request',
        'Request body length does not match its content-length header.',
      );
    default:
      break;
  }
  if (error instanceof SyntaxError)
    return new GatewayError('invalid_json', `Request body is not valid JSON: ${message}`);
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return new GatewayError('invalid_request', message);
  }
  return new GatewayError('internal_error', 'The gateway failed to handle this request.', { cause: error });
}
