/**
 * A signal that follows `parent` (the client leaving, an outer deadline) and also aborts by itself after
 * `ms`, with the reason `onTimeout` builds. `clear()` stops the timer once the work finished or moved past
 * the point the limit guards; the signal keeps following `parent`.
 */
export interface LinkedTimeout {
  readonly signal: AbortSignal;
  readonly clear: () => void;
}

export function linkedTimeout(parent: AbortSignal, ms: number, onTimeout: () => Error): LinkedTimeout {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(onTimeout()), ms);
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
  };
}
