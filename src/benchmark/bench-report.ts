/** Assembles the bench JSON from a finished run: settings, machine facts, and each target's figures. */

import { cpus, totalmem } from 'node:os';
import { BENCH_FORMAT, type BenchFile, type BenchModelFacts, type BenchSettings } from './bench-json.ts';
import type { RunResult } from './run.ts';
import { summarizeTarget } from './summary.ts';
import { modelsOf, type BenchTarget, type GatewayFacts, type ModelFacts } from './targets.ts';

export function machineFacts(): BenchFile['machine'] {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.version,
  };
}

function toFactsEntry(model: ModelFacts): BenchModelFacts {
  return {
    id: model.id,
    provider: model.provider,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens ?? null,
    pricing: model.pricing,
    note: model.note ?? null,
  };
}

export interface BenchFileInput {
  readonly settings: BenchSettings;
  readonly targets: readonly BenchTarget[];
  readonly facts: GatewayFacts;
  readonly result: RunResult;
  readonly createdAt: Date;
}

export function buildBenchFile(input: BenchFileInput): BenchFile {
  const { result, facts } = input;
  const entries = input.targets.map((target) => {
    const route = target.kind === 'route' ? facts.routes.get(target.name) : undefined;
    return {
      label: target.label,
      kind: target.kind,
      name: target.name,
      route: route === undefined ? null : { strategy: route.strategy, targets: [...route.targets] },
      models: modelsOf(target, facts).map(toFactsEntry),
      ...summarizeTarget(result.measurements.get(target.label) ?? []),
      judge: result.judge?.byTarget.get(target.label) ?? null,
    };
  });
  const requests = entries.reduce((total, entry) => total + entry.requests, 0);
  const wallSeconds = result.wallMs / 1_000;
  return {
    format: BENCH_FORMAT,
    createdAt: input.createdAt.toISOString(),
    settings: input.settings,
    machine: machineFacts(),
    run: {
      wallSeconds,
      requests,
      requestsPerSecond: wallSeconds > 0 ? requests / wallSeconds : 0,
      interrupted: result.interrupted,
    },
    targets: entries,
    judge: result.judge?.total ?? null,
  };
}
