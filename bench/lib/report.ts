/**
 * Turns per-round cells into medians and markdown tables. Differences against `direct` are taken within
 * each round (same minute, same machine noise) and then the median of those differences is reported.
 */
import type { LatencySummary } from './latency-histogram.ts';
import type { MachineFacts } from './machine.ts';
import type { TargetName } from './systems.ts';
import { describeScenario, type Scenario } from './workload.ts';

export interface CellResult {
  readonly round: number;
  readonly target: TargetName;
  readonly scenarioId: string;
  readonly requestsPerSecond: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly latency: LatencySummary;
  /** Open loop only: scheduled start → first body byte. */
  readonly timeToFirstByte: LatencySummary | undefined;
  /** CPU the gateway process spent per successful request; undefined for `direct`. */
  readonly gatewayCpuUsPerRequest: number | undefined;
  readonly simulatorCpuUsPerRequest: number;
  /** CPU the benchmark process itself (autocannon or the open-loop generator) spent per request. */
  readonly loadGeneratorCpuUsPerRequest: number;
  /** Cores kept busy by processes outside the benchmark during the cell: the noise floor. */
  readonly otherCores: number;
}

export interface MemoryReading {
  readonly target: TargetName;
  /** The cell just measured, or `idle` for the reading taken after start-up, before any load. */
  readonly after: string;
  readonly rssMb: number;
  readonly peakRssMb: number;
}

export interface ScenarioRow {
  readonly target: TargetName;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly deltaP99Ms: number | undefined;
  readonly ttfbP50Ms: number | undefined;
  readonly ttfbP99Ms: number | undefined;
  readonly deltaTtfbP99Ms: number | undefined;
  readonly gatewayCpuUsPerRequest: number | undefined;
  readonly failed: number;
  readonly rounds: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarizeScenario(
  cells: readonly CellResult[],
  scenarioId: string,
  targets: readonly TargetName[],
): ScenarioRow[] {
  const ofScenario = cells.filter((cell) => cell.scenarioId === scenarioId);
  const directByRound = new Map(
    ofScenario.filter((cell) => cell.target === 'direct').map((cell) => [cell.round, cell]),
  );
  const pairedDeltas = (
    mine: readonly CellResult[],
    pick: (cell: CellResult) => number | undefined,
  ): number | undefined => {
    const deltas: number[] = [];
    for (const cell of mine) {
      const direct = directByRound.get(cell.round);
      const mineValue = pick(cell);
      const directValue = direct === undefined ? undefined : pick(direct);
      if (mineValue !== undefined && directValue !== undefined) deltas.push(mineValue - directValue);
    }
    return deltas.length === 0 ? undefined : median(deltas);
  };
  return targets.flatMap((target) => {
    const mine = ofScenario.filter((cell) => cell.target === target);
    if (mine.length === 0) return [];
    const ttfbP50 = mine.flatMap((cell) =>
      cell.timeToFirstByte === undefined ? [] : [cell.timeToFirstByte.p50Ms],
    );
    const ttfbP99 = mine.flatMap((cell) =>
      cell.timeToFirstByte === undefined ? [] : [cell.timeToFirstByte.p99Ms],
    );
    const gatewayCpu = mine.flatMap((cell) =>
      cell.gatewayCpuUsPerRequest === undefined ? [] : [cell.gatewayCpuUsPerRequest],
    );
    return [
      {
        target,
        requestsPerSecond: median(mine.map((cell) => cell.requestsPerSecond)),
        p50Ms: median(mine.map((cell) => cell.latency.p50Ms)),
        p99Ms: median(mine.map((cell) => cell.latency.p99Ms)),
        deltaP99Ms: target === 'direct' ? undefined : pairedDeltas(mine, (cell) => cell.latency.p99Ms),
        ttfbP50Ms: ttfbP50.length === 0 ? undefined : median(ttfbP50),
        ttfbP99Ms: ttfbP99.length === 0 ? undefined : median(ttfbP99),
        deltaTtfbP99Ms:
          target === 'direct' ? undefined : pairedDeltas(mine, (cell) => cell.timeToFirstByte?.p99Ms),
        gatewayCpuUsPerRequest: gatewayCpu.length === 0 ? undefined : median(gatewayCpu),
        failed: mine.reduce((sum, cell) => sum + cell.failed, 0),
        rounds: mine.length,
      },
    ];
  });
}

const formatMs = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(2);
const formatDelta = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '—' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
const formatRate = (value: number): string => Math.round(value).toLocaleString('en-US');

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const alignment = header.map((_, index) => (index === 0 ? ':--' : '--:'));
  return [line(header), line(alignment), ...rows.map(line)].join('\n');
}

export function renderScenarioTable(
  scenario: Scenario,
  rows: readonly ScenarioRow[],
  cells: readonly CellResult[],
): string {
  const directRate = rows.find((row) => row.target === 'direct')?.requestsPerSecond;
  const showTtfb = rows.some((row) => row.ttfbP99Ms !== undefined) && scenario.stream;
  const latencyLabel = scenario.stream ? 'total' : 'latency';
  const header = [
    'target',
    'req/s',
    'vs direct',
    `${latencyLabel} p50 ms`,
    `${latencyLabel} p99 ms`,
    'Δp99 ms',
    ...(showTtfb ? ['TTFB p50 ms', 'TTFB p99 ms', 'ΔTTFB p99 ms'] : []),
    'gateway CPU µs/req',
    'errors',
  ];
  const body = rows.map((row) => [
    row.target,
    formatRate(row.requestsPerSecond),
    directRate === undefined ? '—' : `${Math.round((100 * row.requestsPerSecond) / directRate)} %`,
    formatMs(row.p50Ms),
    formatMs(row.p99Ms),
    formatDelta(row.deltaP99Ms),
    ...(showTtfb ? [formatMs(row.ttfbP50Ms), formatMs(row.ttfbP99Ms), formatDelta(row.deltaTtfbP99Ms)] : []),
    row.gatewayCpuUsPerRequest === undefined ? '—' : row.gatewayCpuUsPerRequest.toFixed(0),
    String(row.failed),
  ]);
  return `### ${describeScenario(scenario)}\n\n${markdownTable(header, body)}\n\n${renderCellNotes(cells)}`;
}

/** One line under each table: what the simulator and the load generator cost, and the noise level. */
function renderCellNotes(cells: readonly CellResult[]): string {
  const perRequest = (pick: (cell: CellResult) => number): string => median(cells.map(pick)).toFixed(0);
  const otherCores = cells.map((cell) => cell.otherCores);
  return (
    `CPU per request, median over cells: simulator ${perRequest((cell) => cell.simulatorCpuUsPerRequest)} µs, ` +
    `load generator ${perRequest((cell) => cell.loadGeneratorCpuUsPerRequest)} µs. Other processes on the ` +
    `machine: median ${median(otherCores).toFixed(2)}, max ${Math.max(...otherCores).toFixed(2)} cores.`
  );
}

export function renderMemoryTable(readings: readonly MemoryReading[]): string {
  const targets = [...new Set(readings.map((reading) => reading.target))];
  const formatMb = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(0));
  const body = targets.map((target) => {
    const mine = readings.filter((reading) => reading.target === target);
    const idle = mine.find((reading) => reading.after === 'idle');
    const underLoad = mine.filter((reading) => reading.after !== 'idle');
    return [
      target,
      formatMb(idle?.rssMb),
      formatMb(underLoad.at(-1)?.rssMb),
      formatMb(Math.max(...mine.map((reading) => reading.peakRssMb))),
    ];
  });
  const header = ['process', 'RSS idle MB', 'RSS at end MB', 'peak RSS (VmHWM) MB'];
  return `### gateway memory\n\n${markdownTable(header, body)}`;
}

export function renderHeader(machine: MachineFacts, command: string, settings: string): string {
  return [
    `## Switchyard overhead benchmark — ${machine.date}`,
    '',
    `- command: \`${command}\``,
    `- machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.kernel}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}`,
    `- software: Node ${machine.node}, Switchyard ${machine.gitCommit}, @portkey-ai/gateway ${machine.portkeyVersion}, autocannon ${machine.autocannonVersion}`,
    `- settings: ${settings}`,
    '- medians across rounds; Δ = median of per-round differences against `direct` (the simulator itself)',
  ].join('\n');
}

export interface TargetCheck {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

export function renderTargetChecks(checks: readonly TargetCheck[]): string {
  const body = checks.map((check) => [check.goal, check.measured, check.met ? 'met' : '**missed**']);
  return `### Switchyard against its targets\n\n${markdownTable(['target', 'measured', ''], body)}`;
}
