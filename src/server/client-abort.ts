import type { ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors.ts';

/**
 * An AbortSignal that fires when the client goes away before the response is complete, so every
 * upstream call made for the request is cancelled with it.
 */
export function abortOnClientClose(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) {
      controller.abort(
        new GatewayError(
          'client_closed_request',
          'The client closed the connection before the response was complete.',
        ),
      );
    }
  });
  return controller.signal;
}
