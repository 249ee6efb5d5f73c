/**
 * The human views of a bench file: the table printed to stdout at the end of a run, and the markdown
 * report (`--report`). Both read only the bench JSON, so a report can be rebuilt from a saved file.
 */

import type { BenchFile, BenchTargetEntry } from './bench-json.ts';
import {
  DASH,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatUsd,
  markdownTable,
  textTable,
} from './format.ts';
import { EXPECTATION_KINDS } from './rows.ts';

function correctCell(entry: BenchTargetEntry): string {
  const { checked, correct, rate } = entry.correctness;
  return checked === 0 ? DASH : `${formatPercent(rate)} (${correct}/${checked})`;
}

function errorCell(entry: BenchTargetEntry): string {
  const codes = Object.entries(entry.errorsByCode);
  return codes.length === 0 ? DASH : codes.map(([code, count]) => `${code} ${count}`).join(', ');
}

const SUMMARY_COLUMNS: readonly { header: string; cell: (entry: BenchTargetEntry) => string }[] = [
  { header: 'requests', cell: (entry) => formatCount(entry.requests) },
  { header: 'ok', cell: (entry) => formatPercent(entry.successRate) },
  { header: 'p50 ms', cell: (entry) => formatMs(entry.latencyMs?.p50) },
  { header: 'p95 ms', cell: (entry) => formatMs(entry.latencyMs?.p95) },
  { header: 'p99 ms', cell: (entry) => formatMs(entry.latencyMs?.p99) },
  { header: 'ttft p50', cell: (entry) => formatMs(entry.ttftMs?.p50) },
  { header: 'ttft p95', cell: (entry) => formatMs(entry.ttftMs?.p95) },
  { header: 'tok/s p50', cell: (entry) => formatRate(entry.outputTokensPerSecond?.p50) },
  { header: '$/1k req', cell: (entry) => formatUsd(entry.cost.per1kRequestsUsd) },
  { header: '$/ok', cell: (entry) => formatUsd(entry.cost.perSuccessUsd) },
  { header: 'correct', cell: correctCell },
  { header: '$/correct', cell: (entry) => formatUsd(entry.cost.perCorrectUsd) },
];

function runLine(file: BenchFile): string {
  const { run, settings } = file;
  const how =
    settings.durationSeconds === null
      ? `${settings.requestsPerTarget} per target`
      : `${settings.durationSeconds} s`;
  return (
    `${formatCount(run.requests)} requests (${how}, concurrency ${settings.concurrency}` +
    `${settings.stream ? ', streamed' : ''}) in ${run.wallSeconds.toFixed(1)} s, ${run.requestsPerSecond.toFixed(1)} req/s` +
    `${run.interrupted ? ' — stopped early' : ''}`
  );
}

function judgeLine(file: BenchFile): string | undefined {
  const judge = file.judge;
  if (judge === null) return undefined;
  return (
    `Judge ${judge.model}: ${judge.calls} calls, ${judge.failed} failed, ${judge.ungraded} without a score, ` +
    `$${formatUsd(judge.costUsd)} (not included in the targets' cost)`
  );
}

/** The end-of-run table on stdout. */
export function renderBenchTable(file: BenchFile): string {
  const rows = file.targets.map((entry) => [
    entry.label,
    ...SUMMARY_COLUMNS.map((column) => column.cell(entry)),
  ]);
  const lines = [
    runLine(file),
    '',
    textTable(['target', ...SUMMARY_COLUMNS.map((column) => column.header)], rows),
  ];
  const failing = file.targets.filter((entry) => entry.errors > 0);
  if (failing.length > 0) {
    lines.push('', 'Errors by class:', ...failing.map((entry) => `  ${entry.label}: ${errorCell(entry)}`));
  }
  const judge = judgeLine(file);
  if (judge !== undefined) lines.push('', judge);
  return `${lines.join('\n')}\n`;
}

function settingsTable(file: BenchFile): string {
  const { settings, machine } = file;
  const gateway =
    settings.gateway.mode === 'url'
      ? `${settings.gateway.url ?? ''}`
      : `in-process, config ${settings.gateway.config ?? 'default'} (version ${settings.gateway.configVersion ?? DASH})`;
  const rows: [string, string][] = [
    ['prompts', `${settings.data} (${settings.rows} rows, ${settings.labelledRows} with expectations)`],
    ['targets', settings.targets.join(', ')],
    [
      'load',
      settings.durationSeconds === null
        ? `${settings.requestsPerTarget} requests per target`
        : `${settings.durationSeconds} s`,
    ],
    ['concurrency', String(settings.concurrency)],
    ['streamed', settings.stream ? 'yes (TTFT measured)' : 'no'],
    ['judge', settings.judge ?? DASH],
    ['gateway', gateway],
    [
      'machine',
      `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}/${machine.arch}, Node ${machine.nodeVersion}`,
    ],
  ];
  return markdownTable(['setting', 'value'], rows);
}

function percentileRows(
  file: BenchFile,
  pick: (entry: BenchTargetEntry) => BenchTargetEntry['latencyMs'],
  format: (value: number | undefined) => string,
): string[][] {
  return file.targets.map((entry) => {
    const figures = pick(entry);
    return [
      entry.label,
      ...(['p50', 'p95', 'p99', 'max', 'mean'] as const).map((key) => format(figures?.[key])),
    ];
  });
}

/** The markdown report: settings, the summary, then latency, cost, errors, correctness and judge detail. */
export function renderBenchMarkdown(file: BenchFile): string {
  const header = ['target', 'p50', 'p95', 'p99', 'max', 'mean'];
  const sections: string[] = [
    `# Switchyard bench — ${file.createdAt}`,
    runLine(file),
    settingsTable(file),
    '## Summary',
    markdownTable(
      ['target', ...SUMMARY_COLUMNS.map((column) => column.header)],
      file.targets.map((entry) => [entry.label, ...SUMMARY_COLUMNS.map((column) => column.cell(entry))]),
    ),
    'Latency, TTFT and tokens/s are over successful requests; percentiles are exact (nearest rank). ' +
      '`$/ok` is the total cost over successful requests; `$/correct` is the cost of the labelled rows over their correct answers.',
    '## Latency (ms)',
    markdownTable(
      header,
      percentileRows(file, (entry) => entry.latencyMs, formatMs),
    ),
    '## Time to first token (ms)',
    file.settings.stream
      ? markdownTable(
          header,
          percentileRows(file, (entry) => entry.ttftMs, formatMs),
        )
      : 'Not measured: run with `--stream` to time the first token.',
    '## Output tokens per second (per request)',
    markdownTable(
      header,
      percentileRows(file, (entry) => entry.outputTokensPerSecond, formatRate),
    ),
    '## Cost (USD)',
    markdownTable(
      [
        'target',
        'total',
        'per request',
        'per 1k requests',
        'per success',
        'per correct',
        'unknown',
        'tokens in / out',
      ],
      file.targets.map((entry) => [
        entry.label,
        formatUsd(entry.cost.totalUsd),
        formatUsd(entry.cost.perRequestUsd),
        formatUsd(entry.cost.per1kRequestsUsd),
        formatUsd(entry.cost.perSuccessUsd),
        formatUsd(entry.cost.perCorrectUsd),
        String(entry.cost.unknownCount),
        `${formatCount(entry.inputTokens)} / ${formatCount(entry.outputTokens)}`,
      ]),
    ),
    '## Errors by class',
    markdownTable(
      ['target', 'errors', 'error rate', 'by code'],
      file.targets.map((entry) => [
        entry.label,
        String(entry.errors),
        formatPercent(entry.errorRate),
        errorCell(entry),
      ]),
    ),
    '## Correctness',
    markdownTable(
      ['target', 'labelled', 'checked', 'correct', ...EXPECTATION_KINDS],
      file.targets.map((entry) => [
        entry.label,
        String(entry.correctness.labelled),
        String(entry.correctness.checked),
        correctCell(entry),
        ...EXPECTATION_KINDS.map((kind) => {
          const counts = entry.correctness.byKind[kind];
          return counts.checked === 0 ? DASH : `${counts.correct}/${counts.checked}`;
        }),
      ]),
    ),
  ];
  const judge = judgeLine(file);
  if (judge !== undefined) {
    sections.push(
      '## Judge',
      judge,
      markdownTable(
        ['target graded', 'calls', 'failed', 'no score', 'mean score', 'cost $'],
        file.targets.flatMap((entry) =>
          entry.judge === null
            ? []
            : [
                [
                  entry.label,
                  String(entry.judge.calls),
                  String(entry.judge.failed),
                  String(entry.judge.ungraded),
                  entry.judge.meanScore === null ? DASH : entry.judge.meanScore.toFixed(1),
                  formatUsd(entry.judge.costUsd),
                ],
              ],
        ),
      ),
    );
  }
  const routes = file.targets.filter((entry) => entry.kind === 'route');
  if (routes.length > 0) {
    sections.push(
      '## Served by',
      markdownTable(
        ['route', 'targets', 'served by (successful requests)'],
        routes.map((entry) => [
          entry.label,
          entry.route?.targets.join(' → ') ?? DASH,
          Object.entries(entry.servedBy)
            .map(([model, count]) => `${model} ${count}`)
            .join(', ') || DASH,
        ]),
      ),
    );
  }
  return `${sections.join('\n\n')}\n`;
}
