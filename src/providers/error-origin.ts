/** Which provider and model a failure came from: wire-neutral, shared by every adapter. */

import { GatewayError, toGatewayError } from '../core/errors.ts';

/** Which provider and model a failure came from, kept in every error's details. */
export interface ErrorOrigin {
  readonly provider: string;
  readonly model: string;
}

/**
 * Transport errors do not know which provider they came from; add it so logs and attempts can tell.
 * Abort reasons pass unchanged: the caller may recognise its own deadline error by identity.
 */
export function withOrigin(error: unknown, origin: ErrorOrigin): GatewayError {
  const gatewayError = toGatewayError(error);
  if (gatewayError.details.provider !== undefined) return gatewayError;
  if (gatewayError.code === 'client_closed_request' || gatewayError.code === 'deadline_exceeded')
    return gatewayError;
  return new GatewayError(gatewayError.code, gatewayError.message, {
    ...gatewayError.details,
    provider: origin.provider,
    model: origin.model,
    cause: gatewayError.details.cause ?? gatewayError,
  });
}
