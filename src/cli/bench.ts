/**
 * `switchyard bench` — drive a gateway (at --url, or built in-process from --config) with prompt rows
 * against several targets at a fixed concurrency, and report per target: success and error rates by
 * class, latency/TTFT percentiles, tokens/s, cost, and correctness on rows that carry expectations.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createGateway, type Gateway } from '../app.ts';
import { buildBenchFile } from '../benchmark/bench-report.ts';
import type { BenchSettings } from '../benchmark/bench-json.ts';
import { createGatewayClient, type GatewayClient } from '../benchmark/gateway-client.ts';
import { renderBenchMarkdown, renderBenchTable } from '../benchmark/markdown-report.ts';
import { createProgress, progressMode, type ProgressMode } from '../benchmark/progress.ts';
import { PromptFileError, readPromptRows } from '../benchmark/rows.ts';
import { runBenchmark } from '../benchmark/run.ts';
import {
  factsFromConfig,
  factsFromModelList,
  parseTargets,
  unknownTargets,
  type BenchTarget,
  type GatewayFacts,
} from '../benchmark/targets.ts';
import { ConfigError, describeConfigFile, findConfigFile, loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/resolved.ts';
import { GatewayError } from '../core/errors.ts';
import { createLogger } from '../telemetry/logger.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const BENCH_HELP = `switchyard bench --data prompts.jsonl --targets <model|route:name,...> [--config switchyard.yaml | --url http://host:port]
                 [--concurrency 8] [--requests N | --duration S] [--stream] [--judge <model>]
                 [--json out.json] [--report out.md] [--quiet]

Sends every prompt row to every target through POST /v1/chat/completions with --concurrency requests in
flight, the targets interleaved so they share the same load. Without --url it builds the gateway from
--config (or ./switchyard.yaml, else the built-in default) in this process on 127.0.0.1 (port 0). With
--url it drives that gateway, reading model facts from --config when given, else from GET /v1/models.

  --requests N   requests per target, cycling through the rows (default: one pass over the rows)
  --duration S   run for S seconds instead (requests in flight when it ends finish and are counted)
  --stream       stream answers: measures time to first token; tokens come from the usage chunk
  --judge M      grade rows that carry a "rubric" with model M (SCORE 0-10, correct at 7 or more);
                 judge calls run after the measured run and are costed separately
  --json FILE    write the bench JSON (format switchyard-bench/1; the input of 'catalog snapshot')
  --report FILE  write a markdown report
  --quiet        no progress output (a bar on a terminal, else one line per 10 %)

Prints a table per target at the end. Docs: docs/benchmarking.md.

Exit codes:
  0  the run finished (request errors are figures, not failures)
  1  the gateway at --url could not be reached
  2  usage error, a bad prompts file (file:line and field) or a bad config`;

/** Enough to load a gateway without queueing it behind the bench's own pool. */
const DEFAULT_CONCURRENCY = 8;
const GATEWAY_FAILED_EXIT_CODE = 1;

/** The gateway at --url could not be reached or described: exit code 1. */
class GatewayFailure extends Error {
  override readonly name = 'GatewayFailure';
}

export interface BenchIo extends CommandIo {
  /** Whether stderr is a terminal (a live bar) or not (a line per 10 %). */
  readonly stderrIsTerminal: boolean;
}

const processIo: BenchIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stderrIsTerminal: process.stderr.isTTY === true,
};

interface BenchFlags {
  readonly config: string | undefined;
  readonly url: string | undefined;
  readonly data: string;
  readonly targets: readonly BenchTarget[];
  readonly concurrency: number;
  readonly requests: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly stream: boolean;
  readonly judge: string | undefined;
  readonly json: string | undefined;
  readonly report: string | undefined;
  readonly quiet: boolean;
}

function positiveNumber(value: string, flag: string, integer: boolean): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${value}'`);
  }
  return number;
}

function parseFlags(args: readonly string[]): BenchFlags | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      url: { type: 'string' },
      data: { type: 'string' },
      targets: { type: 'string' },
      concurrency: { type: 'string' },
      requests: { type: 'string' },
      duration: { type: 'string' },
      stream: { type: 'boolean' },
      judge: { type: 'string' },
      json: { type: 'string' },
      report: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  if (values.data === undefined) throw new UsageError('--data <prompts.jsonl> is required');
  if (values.targets === undefined) throw new UsageError('--targets <model|route:name,...> is required');
  if (values.requests !== undefined && values.duration !== undefined) {
    throw new UsageError('give --requests or --duration, not both');
  }
  if (values.url !== undefined && !/^https?:\/\/[^/]/.test(values.url)) {
    throw new UsageError(`--url must be an http:// or https:// URL, got '${values.url}'`);
  }
  let targets: BenchTarget[];
  try {
    targets = parseTargets(values.targets);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    config: values.config,
    url: values.url,
    data: values.data,
    targets,
    concurrency:
      values.concurrency === undefined
        ? DEFAULT_CONCURRENCY
        : positiveNumber(values.concurrency, '--concurrency', true),
    requests: values.requests === undefined ? undefined : positiveNumber(values.requests, '--requests', true),
    durationSeconds:
      values.duration === undefined ? undefined : positiveNumber(values.duration, '--duration', false),
    stream: values.stream === true,
    judge: values.judge,
    json: values.json,
    report: values.report,
    quiet: values.quiet === true,
  };
}

/** The gateway the bench talks to, what it knows about models and routes, and how to let go of it. */
interface Connection {
  readonly client: GatewayClient;
  readonly facts: GatewayFacts;
  readonly gateway: BenchSettings['gateway'];
  close(): Promise<void>;
}

/** The bench's gateway logs requests in memory: a benchmark never fills the log of the config it borrows. */
function withMemoryRequestLog(config: ResolvedConfig): ResolvedConfig {
  return { ...config, requestLog: { ...config.requestLog, store: 'memory' } };
}

async function connect(flags: BenchFlags, io: BenchIo): Promise<Connection> {
  const maxConnections = flags.concurrency;
  const configPath =
    flags.config === undefined && flags.url !== undefined
      ? undefined
      : findConfigFile(flags.config === undefined ? {} : { path: flags.config });
  const config = configPath === undefined ? undefined : await loadConfig({ path: configPath, env: io.env });
  const configFacts = {
    config: configPath === undefined ? null : describeConfigFile(configPath),
    configVersion: config?.version ?? null,
  };
  if (flags.url !== undefined) {
    const client = createGatewayClient(flags.url, maxConnections);
    let facts: GatewayFacts;
    try {
      facts = config === undefined ? factsFromModelList(await client.listModels()) : factsFromConfig(config);
    } catch (error) {
      await client.close();
      const reason =
        error instanceof GatewayError && error.cause instanceof Error
          ? error.cause.message
          : String(error instanceof Error ? error.message : error);
      throw new GatewayFailure(`cannot read the models of the gateway at ${flags.url}: ${reason}`);
    }
    return {
      client,
      facts,
      gateway: { mode: 'url', url: flags.url, ...configFacts },
      close: () => client.close(),
    };
  }
  // Without --url a config is always found (the built-in default at worst); this narrows the type.
  if (config === undefined) throw new UsageError('--config or --url is required');
  const gateway: Gateway = await createGateway(withMemoryRequestLog(config), createLogger('silent'));
  const { url } = await gateway.listen(0, '127.0.0.1');
  const client = createGatewayClient(url, maxConnections);
  return {
    client,
    facts: factsFromConfig(config),
    gateway: { mode: 'in-process', url: null, ...configFacts },
    async close() {
      await client.close();
      await gateway.close();
    },
  };
}

async function writeOutput(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

async function bench(flags: BenchFlags, io: BenchIo): Promise<number> {
  const rows = await readPromptRows(flags.data);
  const connection = await connect(flags, io);
  const stop = new AbortController();
  // First Ctrl-C: stop sending and report what was measured; a second one ends the process as usual.
  const onInterrupt = (): void => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const problems = unknownTargets(
      [
        ...flags.targets,
        ...(flags.judge === undefined
          ? []
          : [{ label: flags.judge, kind: 'model' as const, name: flags.judge }]),
      ],
      connection.facts,
    );
    if (problems.length > 0) throw new UsageError(problems.join('; '));
    const mode: ProgressMode = progressMode(io.stderrIsTerminal, flags.quiet);
    const createdAt = new Date();
    const result = await runBenchmark(
      {
        targets: flags.targets,
        rows,
        concurrency: flags.concurrency,
        requestsPerTarget: flags.requests,
        durationMs: flags.durationSeconds === undefined ? undefined : flags.durationSeconds * 1_000,
        stream: flags.stream,
        judgeModel: flags.judge,
      },
      {
        client: connection.client,
        facts: connection.facts,
        stop: stop.signal,
        progress: (label, total, durationMs) =>
          createProgress({ label, total, durationMs, mode, output: { write: (text) => io.stderr(text) } }),
      },
    );
    const file = buildBenchFile({
      settings: {
        data: flags.data,
        rows: rows.length,
        labelledRows: rows.filter((row) => row.expectations.length > 0).length,
        targets: flags.targets.map((target) => target.label),
        concurrency: flags.concurrency,
        requestsPerTarget: flags.durationSeconds === undefined ? (flags.requests ?? rows.length) : null,
        durationSeconds: flags.durationSeconds ?? null,
        stream: flags.stream,
        judge: flags.judge ?? null,
        gateway: connection.gateway,
      },
      targets: flags.targets,
      facts: connection.facts,
      result,
      createdAt,
    });
    if (flags.json !== undefined) await writeOutput(flags.json, `${JSON.stringify(file, null, 2)}\n`);
    if (flags.report !== undefined) await writeOutput(flags.report, renderBenchMarkdown(file));
    io.stdout(renderBenchTable(file));
    return 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await connection.close();
  }
}

export async function runBenchCommand(args: readonly string[], io: BenchIo = processIo): Promise<number> {
  try {
    const flags = parseFlags(args);
    if (flags === 'help') {
      io.stdout(`${BENCH_HELP}\n`);
      return 0;
    }
    return await bench(flags, io);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage !== undefined) {
      io.stderr(`switchyard bench: ${usage.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof PromptFileError) {
      io.stderr(`switchyard bench: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof ConfigError) {
      io.stderr(`${error.format()}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof GatewayFailure) {
      io.stderr(`switchyard bench: ${error.message}\n`);
      return GATEWAY_FAILED_EXIT_CODE;
    }
    throw error;
  }
}
