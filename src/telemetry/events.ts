/**
 * Typed telemetry events, emitted by each stage as a request passes through. Metrics, logs, traces and
 * the request log subscribe; the pipeline knows only `TelemetrySink` and imports none of them.
 * Subscribers run synchronously on the request path, so each must be cheap (count, observe, enqueue)
 * and must not throw: a failing subscriber is isolated and never fails a request.
 */

import type { ClientApi } from '../core/request.ts';
import type { AttemptRecord } from '../executor/attempt.ts';
import type { RoutingDecision } from '../routing/decision.ts';
import type { RequestLogRow } from './request-log/row.ts';

export interface RequestStartEvent {
  readonly type: 'request-start';
  readonly requestId: string;
  readonly protocol: ClientApi;
  readonly stream: boolean;
}

export interface DecisionEvent {
  readonly type: 'decision';
  readonly requestId: string;
  readonly decision: RoutingDecision;
  /** Signals, rules, filters and fitting. */
  readonly decisionMs: number;
}

export interface AttemptStartEvent {
  readonly type: 'attempt-start';
  readonly requestId: string;
  readonly route: string;
  readonly attempt: AttemptRecord;
}

export interface AttemptEndEvent {
  readonly type: 'attempt-end';
  readonly requestId: string;
  readonly route: string;
  /** Final: outcome, duration, usage and cost set. */
  readonly attempt: AttemptRecord;
}

export interface FirstTokenEvent {
  readonly type: 'first-token';
  readonly requestId: string;
  readonly route: string;
  readonly model: string;
  readonly provider: string;
  /** From the request's receipt to the first output sent to the client. */
  readonly ttftMs: number;
}

export interface RequestEndEvent {
  readonly type: 'request-end';
  /** Everything known about the request; the request log stores it as is. */
  readonly row: RequestLogRow;
}

export type TelemetryEvent =
  RequestStartEvent | DecisionEvent | AttemptStartEvent | AttemptEndEvent | FirstTokenEvent | RequestEndEvent;

export type TelemetrySubscriber = (event: TelemetryEvent) => void;

export interface TelemetrySink {
  emit(event: TelemetryEvent): void;
}

/** Fans events out to subscribers; one that throws is reported once and never breaks the others. */
export function createTelemetryBus(
  subscribers: readonly TelemetrySubscriber[],
  onSubscriberError: (error: unknown) => void = () => undefined,
): TelemetrySink {
  const failed = new Set<TelemetrySubscriber>();
  return {
    emit(event) {
      for (const subscriber of subscribers) {
        try {
          subscriber(event);
        } catch (error) {
          if (!failed.has(subscriber)) {
            failed.add(subscriber);
            onSubscriberError(error);
          }
        }
      }
    },
  };
}

export const NO_TELEMETRY: TelemetrySink = { emit: () => undefined };
