/**
 * `switchyard eval` — run labelled outcome rows through a config's routing, with `replay` providers
 * answering from the recordings, and report recorded quality, cost and latency by route and model beside
 * each single model and the oracle: the what-if of a config change before it is deployed. With
 * `--baseline/--candidate/--gate` it is a canary gate for CI: exit 1 when the candidate regresses.
 */

import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { ResolvedConfig } from '../config/resolved.ts';
import {
  positionOf,
  referenceFigures,
  scoreCalls,
  type EvalFigures,
  type UpstreamOf,
} from '../evaluation/eval-figures.ts';
import { applyGate, loadGate } from '../evaluation/eval-gate.ts';
import { runRowsThroughGateway } from '../evaluation/eval-run.ts';
import { renderFigures, renderGate, renderReferences } from '../evaluation/eval-text.ts';
import { InputError } from '../learning/router/input-error.ts';
import { loadOutcomes } from '../learning/router/read-outcomes.ts';
import { parseIntegerFlag } from './router/train.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const EVAL_HELP = `switchyard eval --config c.yaml --data outcomes.jsonl [--model auto] [--json]
                [--concurrency 8] [--limit N]
switchyard eval --config c.yaml --data outcomes.jsonl --baseline <model|route:name>
                --candidate <model|route:name> --gate gate.yaml [--json]

Sends every outcome row (JSONL, the learned-router format) through the config's routing in-process,
as a chat completion naming --model (default auto: the config's rules decide). Models on replay
providers answer with their recordings; each row is scored with the recorded quality, cost and
latency_ms of the model that served it. Rows lacking an outcome for any replayed model are skipped,
so every figure and reference is taken over the same rows. Prints, overall, per route and per served
model: requests, share, mean quality, total and mean cost, p50/p95 recorded latency, errors by code;
then each single model, the oracle, and where the config stands against them. --json prints one
JSON object instead (keys in docs/benchmarking.md).

Canary gate: --baseline and --candidate (a model id, or route:<name>) each serve every row; the
candidate fails when it regresses beyond gate.yaml's thresholds (max_quality_drop, absolute;
max_p95_latency_increase and max_cost_increase, ratios; max_error_rate, absolute).

Exit codes:
  0  evaluated; or the gate passed
  1  the gate failed (the thresholds broken are printed with their numbers)
  2  usage error, or a bad config, outcomes or gate file`;

/** The gate found a regression. */
export const GATE_FAILED_EXIT_CODE = 1;

/** In-flight rows: enough to keep both cores busy with replayed answers, few enough to stay ordered. */
const DEFAULT_CONCURRENCY = 8;

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

interface EvalFlags {
  readonly config: string;
  readonly data: string;
  readonly json: boolean;
  readonly concurrency: number;
  readonly limit: number | undefined;
  readonly mode:
    | { readonly kind: 'what-if'; readonly model: string }
    | { readonly kind: 'gate'; readonly baseline: string; readonly candidate: string; readonly gate: string };
}

function parseFlags(args: readonly string[]): EvalFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      model: { type: 'string' },
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      baseline: { type: 'string' },
      candidate: { type: 'string' },
      gate: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help === true) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (values.config === undefined) throw new UsageError('--config <switchyard.yaml> is required');
  if (values.data === undefined) throw new UsageError('--data <outcomes.jsonl> is required');
  const gateFlags = [values.baseline, values.candidate, values.gate];
  const given = gateFlags.filter((value) => value !== undefined).length;
  if (given > 0 && given < 3) throw new UsageError('--baseline, --candidate and --gate go together');
  if (given === 3 && values.model !== undefined) {
    throw new UsageError('--model does not apply to a gate run: --baseline and --candidate name the targets');
  }
  return {
    config: values.config,
    data: values.data,
    json: values.json === true,
    concurrency:
      values.concurrency === undefined
        ? DEFAULT_CONCURRENCY
        : parseIntegerFlag('--concurrency', values.concurrency, 1, 256),
    limit: values.limit === undefined ? undefined : parseIntegerFlag('--limit', values.limit, 1, 2 ** 31),
    mode:
      values.baseline !== undefined && values.candidate !== undefined && values.gate !== undefined
        ? { kind: 'gate', baseline: values.baseline, candidate: values.candidate, gate: values.gate }
        : { kind: 'what-if', model: values.model ?? 'auto' },
  };
}

/** `route:<name>` names a route; anything else a model id, a route name or `auto`, as clients send it. */
function targetModel(config: ResolvedConfig, target: string, flag: string): string {
  if (target.startsWith('route:')) {
    const route = target.slice('route:'.length);
    if (!config.routes.has(route)) {
      throw new UsageError(`${flag}: no route '${route}' (routes: ${[...config.routes.keys()].join(', ')})`);
    }
    return route;
  }
  if (target === 'auto' || config.models.has(target) || config.routes.has(target)) return target;
  throw new UsageError(
    `${flag}: '${target}' is neither a model nor a route of the config (models: ${[...config.models.keys()].join(', ')}; or route:<name>)`,
  );
}

/** The config's models served by replay providers, and how a served model maps to its outcomes id. */
function replayedModels(config: ResolvedConfig): {
  upstreams: string[];
  others: string[];
  upstreamOf: UpstreamOf;
} {
  const isReplay = (provider: string | undefined): boolean =>
    provider !== undefined && config.providers.get(provider)?.type === 'replay';
  const upstreams = new Set<string>();
  const others: string[] = [];
  for (const [id, placement] of config.deployments) {
    const replayed = placement.deployments.filter((deployment) => isReplay(deployment.model.provider));
    for (const deployment of replayed) upstreams.add(deployment.model.upstreamModel);
    if (replayed.length === 0) others.push(id);
  }
  const upstreamOf: UpstreamOf = (servedModel, provider) => {
    if (!isReplay(provider)) return undefined;
    return config.deployments
      .get(servedModel)
      ?.deployments.find((deployment) => deployment.model.provider === provider)?.model.upstreamModel;
  };
  return { upstreams: [...upstreams].sort(), others, upstreamOf };
}

async function evaluate(flags: EvalFlags, io: CommandIo): Promise<number> {
  let config: ResolvedConfig;
  try {
    config = await loadConfig({ path: flags.config, env: io.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`${error.format()}\n`);
    return USAGE_EXIT_CODE;
  }
  const targets =
    flags.mode.kind === 'gate'
      ? [
          targetModel(config, flags.mode.baseline, '--baseline'),
          targetModel(config, flags.mode.candidate, '--candidate'),
        ]
      : [targetModel(config, flags.mode.model, '--model')];
  const gate = flags.mode.kind === 'gate' ? await loadGate(flags.mode.gate) : undefined;
  const { upstreams, others, upstreamOf } = replayedModels(config);
  if (upstreams.length === 0) {
    throw new UsageError(`${flags.config} has no model on a replay provider: nothing to replay`);
  }
  const records = (await loadOutcomes(flags.data)).map((row) => row.record);
  const complete = records.filter((record) =>
    upstreams.every((model) => record.outcomes[model] !== undefined),
  );
  const rows = complete.slice(0, flags.limit ?? complete.length);
  if (rows.length === 0) {
    throw new InputError(
      flags.data,
      `no row has an outcome for every replayed model (${upstreams.join(', ')})`,
    );
  }

  const started = performance.now();
  const calls = await runRowsThroughGateway(config, rows, targets, { concurrency: flags.concurrency });
  const seconds = (performance.now() - started) / 1000;
  const labels = flags.mode.kind === 'gate' ? [flags.mode.baseline, flags.mode.candidate] : targets;
  const figures = calls.map((targetCalls, index) =>
    scoreCalls(labels[index]!, rows, targetCalls, upstreamOf),
  );
  const references = referenceFigures(rows, upstreams);
  const header = {
    config: flags.config,
    data: flags.data,
    rows: rows.length,
    skipped_rows: records.length - complete.length,
    replayed_models: upstreams,
    not_replayed_models: others,
  };
  io.stderr(
    `switchyard eval: ${rows.length} rows × ${targets.length} target(s) in ${seconds.toFixed(1)} s\n`,
  );

  if (gate === undefined) {
    const [only] = figures as [EvalFigures];
    const position = positionOf(only.overall, references);
    if (flags.json) {
      io.stdout(`${JSON.stringify({ ...header, ...only, references, position }, null, 2)}\n`);
    } else {
      io.stdout(
        `${describeRun(header)}\n\n${renderFigures(only)}\n\n${renderReferences(references, position)}\n`,
      );
    }
    return 0;
  }
  const [baseline, candidate] = figures as [EvalFigures, EvalFigures];
  const result = applyGate(gate, baseline.overall, candidate.overall);
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({ ...header, baseline, candidate, gate: { thresholds: gate, ...result } }, null, 2)}\n`,
    );
  } else {
    io.stdout(
      `${describeRun(header)}\n\nbaseline:\n${renderFigures(baseline)}\n\ncandidate:\n${renderFigures(candidate)}\n\n${renderGate(result)}\n`,
    );
  }
  return result.passed ? 0 : GATE_FAILED_EXIT_CODE;
}

function describeRun(header: {
  config: string;
  data: string;
  rows: number;
  skipped_rows: number;
  replayed_models: readonly string[];
  not_replayed_models: readonly string[];
}): string {
  const skipped =
    header.skipped_rows === 0 ? '' : ` (${header.skipped_rows} skipped: no outcome for some replayed model)`;
  const others =
    header.not_replayed_models.length === 0
      ? ''
      : `\nnot replayed (rows they serve count as unrecorded_outcome): ${header.not_replayed_models.join(', ')}`;
  return `${header.config} on ${header.data}: ${header.rows} rows${skipped}\nreplayed models: ${header.replayed_models.join(', ')}${others}`;
}

export async function runEvalCommand(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  try {
    const flags = parseFlags(args);
    if (flags === 'help') {
      io.stdout(`${EVAL_HELP}\n`);
      return 0;
    }
    return await evaluate(flags, io);
  } catch (error) {
    const usage = asUsageError(error);
    if (usage !== undefined) {
      io.stderr(`switchyard eval: ${usage.message}\n`);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof InputError) {
      io.stderr(`switchyard eval: ${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
}
