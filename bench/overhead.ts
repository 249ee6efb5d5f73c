/**
 * `npm run bench:overhead` — what a gateway hop costs. Starts the simulator with zero latency, then the
 * bare reference proxy, Switchyard and the Portkey gateway in front of it, and measures all of them and
 * the simulator itself ("direct") in interleaved rounds: closed loop for throughput, open loop for
 * latency under a realistic arrival rate, JSON and stream. Run with --help for the flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readProcessMemory, stopAllChildren, stopChildrenOnExit } from './lib/child-processes.ts';
import { cpuUsageBetween, takeCpuSnapshot } from './lib/cpu-accounting.ts';
import { runClosedLoop } from './lib/closed-loop.ts';
import { type BenchSettings, parseBenchFlags, USAGE } from './lib/flags.ts';
import type { LatencySummary } from './lib/latency-histogram.ts';
import { collectMachineFacts } from './lib/machine.ts';
import { runOpenLoop } from './lib/open-loop.ts';
import {
  type CellResult,
  type MemoryReading,
  renderHeader,
  renderMemoryTable,
  renderScenarioTable,
  renderTargetChecks,
  type ScenarioRow,
  summarizeScenario,
  type TargetCheck,
} from './lib/report.ts';
import {
  buildSwitchyard,
  CORE_CONFIG,
  directTarget,
  prepareBaseline,
  removeSwitchyardFiles,
  REPO_ROOT,
  startReferenceProxy,
  startPortkey,
  startSimulator,
  startSwitchyard,
  SWITCHYARD_PRODUCTION_ENV,
  type Target,
  type TargetName,
} from './lib/systems.ts';
import { buildScenarios, describeScenario, type Scenario } from './lib/workload.ts';

// The issue's goals for Switchyard on this class of machine (2 cores, load generator sharing them).
const GOALS = {
  closed16JsonRequestsPerSecond: 8000,
  open500DeltaP99Ms: 1,
  open500StreamDeltaTtfbP99Ms: 1.5,
  peakRssMb: 150,
} as const;

interface MeasuredCell {
  readonly requestsPerSecond: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly latency: LatencySummary;
  readonly timeToFirstByte: LatencySummary | undefined;
}

async function measureCell(target: Target, scenario: Scenario, seconds: number): Promise<MeasuredCell> {
  if (scenario.load.kind === 'closed') {
    const result = await runClosedLoop(target, scenario.load.connections, scenario.stream, seconds);
    return { ...result, latency: result.latency.summarize(), timeToFirstByte: undefined };
  }
  const result = await runOpenLoop(target, scenario.load.requestsPerSecond, scenario.stream, seconds);
  return {
    ...result,
    latency: result.latency.summarize(),
    timeToFirstByte: result.timeToFirstByte.summarize(),
  };
}

/** Undone when the run ends, however it ends (temporary worktrees of `--baseline`). */
const cleanups: (() => Promise<void>)[] = [];

interface RunningSystems {
  readonly simulatorPid: number;
  readonly targets: readonly Target[];
}

async function startSystems(settings: BenchSettings): Promise<RunningSystems> {
  progress('starting the simulator');
  const simulator = await startSimulator();
  let built = false;
  const buildOnce = async (): Promise<void> => {
    if (built) return;
    progress('building Switchyard (npm run build)');
    await buildSwitchyard();
    built = true;
  };
  const core = settings.core ? { optionalConfig: CORE_CONFIG } : {};
  const starters: Record<TargetName, () => Promise<Target>> = {
    direct: async () => directTarget(simulator.origin),
    'bare-proxy': () => startReferenceProxy('bare-proxy', simulator.origin, settings.referenceNodeFlags),
    'framework-proxy': () =>
      startReferenceProxy('framework-proxy', simulator.origin, settings.referenceNodeFlags),
    switchyard: async () => {
      await buildOnce();
      return startSwitchyard({
        simulatorOrigin: simulator.origin,
        logLevel: settings.switchyardLogLevel,
        nodeFlags: settings.switchyardNodeFlags,
        extraConfig: settings.switchyardConfig,
        ...core,
      });
    },
    'switchyard-anthropic': async () => {
      await buildOnce();
      return startSwitchyard({
        simulatorOrigin: simulator.origin,
        logLevel: settings.switchyardLogLevel,
        nodeFlags: settings.switchyardNodeFlags,
        extraConfig: settings.switchyardConfig,
        ...core,
        upstream: 'anthropic',
      });
    },
    'switchyard-baseline': async () => {
      if (settings.baseline === undefined) throw new Error('switchyard-baseline needs --baseline REF');
      progress(`building Switchyard at ${settings.baseline} in a temporary worktree`);
      const baseline = await prepareBaseline(settings.baseline);
      cleanups.push(baseline.remove);
      return startSwitchyard({
        simulatorOrigin: simulator.origin,
        logLevel: settings.switchyardLogLevel,
        nodeFlags: settings.baselineNodeFlags,
        extraConfig: settings.baselineConfig,
        ...(settings.baselineEnvironment === undefined ? {} : { environment: settings.baselineEnvironment }),
        ...core,
        baselineRoot: baseline.root,
      });
    },
    portkey: () => startPortkey(simulator.origin),
  };
  const targets: Target[] = [];
  // One at a time: startup is CPU-heavy and the machine is small.
  for (const name of settings.targets) {
    progress(`starting ${name}`);
    targets.push(await starters[name]());
  }
  return { simulatorPid: simulator.child.pid, targets };
}

/** Each round and scenario rotates the order, so no system always runs first or right after another. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function checkGoals(
  rowsByScenario: ReadonlyMap<string, readonly ScenarioRow[]>,
  memory: readonly MemoryReading[],
): TargetCheck[] {
  const switchyardRow = (scenarioId: string): ScenarioRow | undefined =>
    rowsByScenario.get(scenarioId)?.find((row) => row.target === 'switchyard');
  const checks: TargetCheck[] = [];
  const closed16 = switchyardRow('closed-16/json');
  if (closed16 !== undefined) {
    checks.push({
      goal: `non-stream req/s at 16 connections ≥ ${GOALS.closed16JsonRequestsPerSecond.toLocaleString('en-US')}`,
      measured: Math.round(closed16.requestsPerSecond).toLocaleString('en-US'),
      met: closed16.requestsPerSecond >= GOALS.closed16JsonRequestsPerSecond,
    });
  }
  const open500 = switchyardRow('open-500/json');
  if (open500?.deltaP99Ms !== undefined) {
    checks.push({
      goal: `added p99 at 500 req/s ≤ ${GOALS.open500DeltaP99Ms} ms`,
      measured: `${open500.deltaP99Ms.toFixed(2)} ms`,
      met: open500.deltaP99Ms <= GOALS.open500DeltaP99Ms,
    });
  }
  const open500Stream = switchyardRow('open-500/stream');
  if (open500Stream?.deltaTtfbP99Ms !== undefined) {
    checks.push({
      goal: `added stream TTFB p99 at 500 req/s ≤ ${GOALS.open500StreamDeltaTtfbP99Ms} ms`,
      measured: `${open500Stream.deltaTtfbP99Ms.toFixed(2)} ms`,
      met: open500Stream.deltaTtfbP99Ms <= GOALS.open500StreamDeltaTtfbP99Ms,
    });
  }
  const switchyardMemory = memory.filter((reading) => reading.target === 'switchyard');
  if (switchyardMemory.length > 0) {
    const peak = Math.max(...switchyardMemory.map((reading) => reading.peakRssMb));
    checks.push({
      goal: `peak RSS ≤ ${GOALS.peakRssMb} MB`,
      measured: `${peak.toFixed(0)} MB`,
      met: peak <= GOALS.peakRssMb,
    });
  }
  return checks;
}

async function runBenchmark(settings: BenchSettings, command: string): Promise<void> {
  const machine = collectMachineFacts();
  const scenarios = buildScenarios(settings.loads, settings.streamModes);
  const { simulatorPid, targets } = await startSystems(settings);
  const watchedPids = [process.pid, simulatorPid, ...targets.flatMap((target) => target.gatewayPid ?? [])];
  const cells: CellResult[] = [];
  const memory: MemoryReading[] = [];
  const recordMemory = async (target: Target, after: string): Promise<void> => {
    if (target.gatewayPid === undefined) return;
    const reading = await readProcessMemory(target.gatewayPid);
    if (reading !== undefined) memory.push({ target: target.name, after, ...reading });
  };
  for (const target of targets) await recordMemory(target, 'idle');
  const totalCells = settings.rounds * scenarios.length * targets.length;

  for (let round = 1; round <= settings.rounds; round += 1) {
    for (const [scenarioIndex, scenario] of scenarios.entries()) {
      for (const target of rotated(targets, round + scenarioIndex)) {
        progress(
          `[${cells.length + 1}/${totalCells}] round ${round}, ${describeScenario(scenario)}: ${target.name}`,
        );
        await measureCell(target, scenario, settings.warmupSeconds);
        const cpuBefore = takeCpuSnapshot(watchedPids);
        const seconds =
          scenario.load.kind === 'open' ? settings.openDurationSeconds : settings.durationSeconds;
        const measured = await measureCell(target, scenario, seconds);
        const cpu = cpuUsageBetween(cpuBefore, takeCpuSnapshot(watchedPids));
        const perRequestUs = (pid: number): number =>
          (1000 * (cpu.processCpuMs.get(pid) ?? 0)) / Math.max(1, measured.succeeded);
        cells.push({
          round,
          target: target.name,
          scenarioId: scenario.id,
          ...measured,
          gatewayCpuUsPerRequest:
            target.gatewayPid === undefined ? undefined : perRequestUs(target.gatewayPid),
          simulatorCpuUsPerRequest: perRequestUs(simulatorPid),
          loadGeneratorCpuUsPerRequest: perRequestUs(process.pid),
          otherCores: cpu.otherCores,
        });
        await recordMemory(target, scenario.id);
      }
    }
  }

  const targetNames = targets.map((target) => target.name);
  const rowsByScenario = new Map(
    scenarios.map((scenario) => [scenario.id, summarizeScenario(cells, scenario.id, targetNames)]),
  );
  const settingsText =
    `${settings.rounds} rounds; closed-loop cells ${settings.durationSeconds} s, open-loop cells ` +
    `${settings.openDurationSeconds} s, each after ${settings.warmupSeconds} s warm-up; ` +
    `Switchyard log_level ${settings.switchyardLogLevel}` +
    (settings.core ? ', request log and metrics off (--core)' : '') +
    (settings.switchyardNodeFlags.length > 0
      ? `, Node flags \`${settings.switchyardNodeFlags.join(' ')}\``
      : '') +
    `, environment \`${Object.entries(SWITCHYARD_PRODUCTION_ENV)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}\`` +
    (settings.baseline !== undefined &&
    settings.baselineNodeFlags.join(' ') !== settings.switchyardNodeFlags.join(' ')
      ? `; baseline's Node flags \`${settings.baselineNodeFlags.join(' ')}\``
      : '') +
    (settings.switchyardConfig === ''
      ? ''
      : `; Switchyard's config adds \`${settings.switchyardConfig.trim()}\``) +
    (settings.baseline !== undefined && settings.baselineConfig !== settings.switchyardConfig
      ? `; the baseline's adds \`${settings.baselineConfig.trim()}\``
      : '') +
    (settings.baseline !== undefined && settings.baselineEnvironment !== undefined
      ? `; baseline's environment \`${Object.entries(settings.baselineEnvironment)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}\``
      : '') +
    (settings.referenceNodeFlags.length > 0
      ? `; reference proxies' Node flags \`${settings.referenceNodeFlags.join(' ')}\``
      : '');
  const goalChecks = checkGoals(rowsByScenario, memory);
  const sections = [
    renderHeader(machine, command, settingsText),
    ...scenarios.map((scenario) =>
      renderScenarioTable(
        scenario,
        rowsByScenario.get(scenario.id) ?? [],
        cells.filter((cell) => cell.scenarioId === scenario.id),
      ),
    ),
    ...(memory.length > 0 ? [renderMemoryTable(memory)] : []),
    ...(goalChecks.length > 0 ? [renderTargetChecks(goalChecks)] : []),
  ];
  process.stdout.write(`${sections.join('\n\n')}\n`);

  const resultsDirectory = resolve(REPO_ROOT, settings.resultsDirectory);
  await mkdir(resultsDirectory, { recursive: true });
  const resultsPath = join(resultsDirectory, `overhead-${machine.date.replaceAll(':', '-')}.json`);
  const summary = Object.fromEntries(rowsByScenario);
  await writeFile(
    resultsPath,
    `${JSON.stringify({ command, machine, settings, summary, goalChecks, memory, cells }, null, 2)}\n`,
  );
  progress(`results written to ${resultsPath}`);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let settings: ReturnType<typeof parseBenchFlags>;
  try {
    settings = parseBenchFlags(argv);
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  stopChildrenOnExit();
  try {
    // Quote arguments with spaces so the printed command can be pasted back into a shell.
    const shellWords = argv.map((word) => (/\s/.test(word) ? `'${word}'` : word));
    await runBenchmark(
      settings,
      ['npm run bench:overhead', ...(argv.length > 0 ? ['--', ...shellWords] : [])].join(' '),
    );
    return 0;
  } finally {
    await stopAllChildren();
    await removeSwitchyardFiles();
    for (const cleanup of cleanups) await cleanup();
  }
}

process.exitCode = await main();
