/**
 * `switchyard stats` — ask a running gateway for `GET /v1/stats` and print it as a table (or the JSON as
 * is). The request goes through the one outbound HTTP transport, which lint requires of every client.
 */

import { renderStatsTable } from '../telemetry/stats-table.ts';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { GatewayError } from '../core/errors.ts';
import { createHttpTransport } from '../providers/transport/http-transport.ts';
import {
  DEFAULT_STATS_WINDOW,
  parseWindow,
  STATS_GROUP_BY,
  type StatsGroupBy,
  type StatsResponse,
} from '../telemetry/stats.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const DEFAULT_STATS_URL = 'http://127.0.0.1:8080';

export const STATS_HELP = `switchyard stats [--url ${DEFAULT_STATS_URL}] [--window ${DEFAULT_STATS_WINDOW}] [--group-by route|model|provider|tenant] [--json]

Asks a running gateway (GET {url}/v1/stats) for the requests of the last --window (30s, 15m, 1h, 24h,
7d; at most 30d; default ${DEFAULT_STATS_WINDOW}) and prints, per group and in total: requests, error and fallback
rates, p50/p95/p99/max latency and p50/p95/p99 time to first token (ms, from HDR histograms), tokens,
cost in USD and cost per successful request. --group-by none (the default) prints the total only.
--json prints the gateway's JSON as is.

Exit codes:
  0  printed
  1  the gateway could not be reached, or answered with an error (its message is printed)
  2  usage error`;

/** The gateway was unreachable or answered an error. */
export const GATEWAY_FAILED_EXIT_CODE = 1;

const TIMEOUTS = { connectMs: 5_000, headersMs: 60_000, bodyIdleMs: 30_000 };

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

interface StatsFlags {
  readonly url: URL;
  readonly window: string;
  readonly groupBy: StatsGroupBy;
  readonly json: boolean;
}

function parseFlags(args: readonly string[]): StatsFlags | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      url: { type: 'string' },
      window: { type: 'string' },
      'group-by': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';

  const urlText = values.url ?? DEFAULT_STATS_URL;
  const url = URL.canParse(urlText) ? new URL(urlText) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--url must be an http:// or https:// URL, got '${urlText}'`);
  }
  const window = values.window ?? DEFAULT_STATS_WINDOW;
  try {
    parseWindow(window);
  } catch {
    throw new UsageError(
      `--window must be a duration like 30s, 15m, 1h, 24h or 7d (at most 30d), got '${window}'`,
    );
  }
  const groupText = values['group-by'] ?? 'none';
  const groupBy = STATS_GROUP_BY.find((option) => option === groupText);
  if (groupBy === undefined) {
    throw new UsageError(`--group-by must be one of ${STATS_GROUP_BY.join(', ')}, got '${groupText}'`);
  }
  return { url, window, groupBy, json: values.json === true };
}

/** `{base}/v1/stats?…`, keeping any path prefix of the base (a gateway behind a proxy path). */
export function statsUrl(base: URL, window: string, groupBy: StatsGroupBy): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/stats`;
  url.search = new URLSearchParams({ window, group_by: groupBy }).toString();
  url.hash = '';
  return url.toString();
}

const latency = z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() });
const ttft = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });
const group = z.object({
  key: z.string(),
  count: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  fallbackRate: z.number(),
  latencyMs: latency.nullable(),
  ttftMs: ttft.nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  costPerSuccessUsd: z.number().nullable(),
});
const statsResponse = z.object({
  window: z.string(),
  since: z.string(),
  until: z.string(),
  groupBy: z.enum(STATS_GROUP_BY),
  groups: z.array(group),
  total: group,
  otherGroups: z.number(),
});
const errorBody = z.object({
  error: z.object({ message: z.string(), code: z.string().nullish(), param: z.string().nullish() }),
});

/** A failure to report on stderr with exit code 1. */
class GatewayFailure extends Error {
  override readonly name = 'GatewayFailure';
}

async function get(url: string): Promise<{ status: number; text: string }> {
  const transport = createHttpTransport();
  try {
    const response = await transport.send({
      url,
      method: 'GET',
      headers: { accept: 'application/json' },
      signal: new AbortController().signal,
      timeouts: TIMEOUTS,
      maxConnections: 1,
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    // The transport words failures for upstreams; the socket's own reason reads better here.
    const reason =
      error.code === 'upstream_timeout'
        ? `no answer within ${TIMEOUTS.headersMs / 1_000} s`
        : error.cause instanceof Error
          ? error.cause.message
          : error.message;
    throw new GatewayFailure(`cannot reach the gateway at ${url}: ${reason}`);
  } finally {
    await transport.close();
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeErrorAnswer(status: number, text: string): string {
  const parsed = errorBody.safeParse(parseJson(text));
  if (parsed.success) {
    const { code, message } = parsed.data.error;
    return `the gateway answered ${status}${code === undefined || code === null ? '' : ` ${code}`}: ${message}`;
  }
  const excerpt = text.trim().slice(0, 200);
  return `the gateway answered ${status}${excerpt === '' ? '' : `: ${excerpt}`}`;
}

async function fetchStats(flags: StatsFlags): Promise<{ text: string; response: StatsResponse | undefined }> {
  const url = statsUrl(flags.url, flags.window, flags.groupBy);
  const { status, text } = await get(url);
  if (status < 200 || status > 299) throw new GatewayFailure(describeErrorAnswer(status, text));
  if (flags.json) return { text, response: undefined };
  const parsed = statsResponse.safeParse(parseJson(text));
  if (!parsed.success) {
    throw new GatewayFailure(`the answer from ${url} is not a stats response: ${text.trim().slice(0, 200)}`);
  }
  return { text, response: parsed.data };
}

export async function runStatsCommand(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  let flags: StatsFlags | 'help';
  try {
    flags = parseFlags(args);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage === undefined) throw error;
    io.stderr(`switchyard stats: ${usage.message}\n\n${STATS_HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  if (flags === 'help') {
    io.stdout(`${STATS_HELP}\n`);
    return 0;
  }
  try {
    const { text, response } = await fetchStats(flags);
    if (response === undefined) io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    else io.stdout(renderStatsTable(response, response));
    return 0;
  } catch (error) {
    if (!(error instanceof GatewayFailure)) throw error;
    io.stderr(`switchyard stats: ${error.message}\n`);
    return GATEWAY_FAILED_EXIT_CODE;
  }
}
