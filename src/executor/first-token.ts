/**
 * "First token within N ms or fall back": a per-attempt signal that follows the request's own (client
 * gone, deadline passed) and also aborts when the attempt has not committed — sent its first content —
 * in time. The limit stops applying at commit; the request's signal keeps bounding the rest.
 */

import { GatewayError } from '../core/errors.ts';

export interface FirstTokenWatch {
  readonly signal: AbortSignal;
  /** The attempt committed (or ended): the limit no longer applies. */
  disarm(): void;
}

export function watchFirstToken(
  parent: AbortSignal,
  limitMs: number,
  target: { readonly id: string; readonly provider: string },
): FirstTokenWatch {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(
      new GatewayError('upstream_timeout', `No first token from '${target.id}' within ${limitMs} ms.`, {
        provider: target.provider,
        model: target.id,
      }),
    );
  }, limitMs);
  return {
    signal: controller.signal,
    disarm: () => clearTimeout(timer),
  };
}
