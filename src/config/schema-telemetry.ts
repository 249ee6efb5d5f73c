/** The observability part of `switchyard.yaml`: the request log and the metrics endpoint. */

import { z } from 'zod';
import { TELEMETRY_DEFAULTS } from './defaults.ts';

const regexSource = z.string().refine((text) => {
  try {
    new RegExp(text, 'g');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

export const requestLogSchema = z
  .strictObject({
    store: z
      .enum(['sqlite', 'postgres', 'memory', 'off'])
      .default(TELEMETRY_DEFAULTS.requestLog.store)
      .describe(
        '`sqlite`: an embedded file (default); `postgres`: shared by several replicas; `memory`: the last `server.request_records` only; `off`.',
      ),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        '`sqlite`: the database file (`:memory:` keeps it in the process). Default: $SWITCHYARD_REQUEST_LOG_PATH, else switchyard-requests.sqlite in the working directory.',
      ),
    url: z
      .string()
      .optional()
      .describe('`postgres`: a connection URL, e.g. "${DATABASE_URL}" or postgres://user@host:5432/db.'),
    retention_hours: z
      .number()
      .positive()
      .default(TELEMETRY_DEFAULTS.requestLog.retentionHours)
      .describe('Rows older than this are deleted (checked hourly).'),
    queue_size: z
      .number()
      .int()
      .positive()
      .default(TELEMETRY_DEFAULTS.requestLog.queueSize)
      .describe('Rows waiting to be written; beyond it rows are dropped and counted in metrics.'),
    batch_size: z.number().int().positive().default(TELEMETRY_DEFAULTS.requestLog.batchSize),
    flush_ms: z
      .number()
      .int()
      .positive()
      .default(TELEMETRY_DEFAULTS.requestLog.flushMs)
      .describe('Longest a row waits before its batch is written.'),
    bodies: z
      .boolean()
      .default(false)
      .describe('Store prompts and completions (default off; routes may opt in with log_bodies).'),
    redact: z
      .array(regexSource)
      .default([])
      .describe(
        'Patterns replaced by [redacted] in stored bodies, on top of the built-in ones (keys, emails).',
      ),
  })
  .prefault({})
  .describe('One row per request with the whole "why": decision, attempts, tokens, cost, latency.');

export const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve Prometheus metrics on GET /metrics.'),
  })
  .prefault({})
  .describe('Prometheus metrics (docs/observability.md lists them).');

export const tracingSchema = z
  .strictObject({
    otlp_endpoint: z
      .string()
      .refine((text) => URL.canParse(text) && /^https?:/.test(text), 'must be an http(s) URL')
      .optional()
      .describe('OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces. Absent: no tracing.'),
    service_name: z.string().min(1).default('switchyard'),
    sample_ratio: z.number().min(0).max(1).default(1).describe('Share of requests traced.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Sent with every export (auth).'),
  })
  .prefault({})
  .describe('OpenTelemetry traces: a span per request and per upstream attempt (docs/observability.md).');
