/**
 * `catalog snapshot`: one page describing each benchmarked model (or route) — what it is for, its
 * context window and price, and what the bench measured: latency percentiles, tokens/s, cost per 1,000
 * requests, error rate, correctness — with a latency chart and a cost–correctness chart. Markdown links
 * the charts as adjacent SVG files; HTML inlines them so the page is one file.
 */

import { escapeXml } from '../evaluation/svg-plot.ts';
import type { BenchFile, BenchModelFacts, BenchTargetEntry } from './bench-json.ts';
import { costQualityChartSvg, latencyChartSvg } from './charts.ts';
import {
  DASH,
  formatCount,
  formatMs,
  formatPercent,
  formatPrice,
  formatRate,
  formatUsd,
  formatWindow,
  looksNumeric,
  markdownTable,
} from './format.ts';

export interface CatalogChart {
  /** File name for markdown pages (adjacent to the page). */
  readonly fileName: string;
  readonly title: string;
  readonly svg: string;
}

function range(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return DASH;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? format(low) : `${format(low)}–${format(high)}`;
}

function priceCell(models: readonly BenchModelFacts[]): string {
  if (models.length === 0) return DASH;
  const input = range(
    models.map((model) => model.pricing.inputPerMillion),
    formatPrice,
  );
  const output = range(
    models.map((model) => model.pricing.outputPerMillion),
    formatPrice,
  );
  return `${input} / ${output}`;
}

function servedCell(entry: BenchTargetEntry): string {
  if (entry.kind === 'model') return entry.models[0]?.provider ?? DASH;
  const targets = entry.route?.targets.join(' → ') ?? '';
  const served = Object.entries(entry.servedBy)
    .map(([model, count]) => `${model} ${formatPercent(count / Math.max(1, entry.successes))}`)
    .join(', ');
  return `route ${entry.route?.strategy ?? ''} ${targets}${served === '' ? '' : ` (served: ${served})`}`.trim();
}

function correctCell(entry: BenchTargetEntry): string {
  const { checked, correct, rate } = entry.correctness;
  return checked === 0 ? DASH : `${formatPercent(rate)} (${correct}/${checked})`;
}

interface Column {
  readonly header: string;
  readonly cell: (entry: BenchTargetEntry) => string;
}

function columns(file: BenchFile): Column[] {
  const latency = (entry: BenchTargetEntry): string =>
    entry.latencyMs === null
      ? DASH
      : `${formatMs(entry.latencyMs.p50)} / ${formatMs(entry.latencyMs.p95)} / ${formatMs(entry.latencyMs.p99)}`;
  return [
    { header: 'model', cell: (entry) => entry.label },
    {
      header: 'use it for',
      cell: (entry) => (entry.kind === 'model' ? (entry.models[0]?.note ?? DASH) : DASH),
    },
    { header: 'provider', cell: servedCell },
    {
      header: 'context',
      cell: (entry) =>
        range(
          entry.models.map((model) => model.contextWindow),
          formatWindow,
        ),
    },
    { header: 'price in / out ($/M tokens)', cell: (entry) => priceCell(entry.models) },
    { header: 'latency p50 / p95 / p99 (ms)', cell: latency },
    ...(file.settings.stream
      ? [{ header: 'TTFT p50 (ms)', cell: (entry: BenchTargetEntry) => formatMs(entry.ttftMs?.p50) }]
      : []),
    { header: 'tokens/s p50', cell: (entry) => formatRate(entry.outputTokensPerSecond?.p50) },
    { header: '$ per 1k requests', cell: (entry) => formatUsd(entry.cost.per1kRequestsUsd) },
    { header: 'error rate', cell: (entry) => formatPercent(entry.errorRate) },
    { header: 'correct', cell: correctCell },
  ];
}

function measuredLine(file: BenchFile): string {
  const { settings, machine, run } = file;
  const load =
    settings.durationSeconds === null
      ? `${formatCount(settings.requestsPerTarget ?? 0)} requests per target`
      : `${settings.durationSeconds} s per run`;
  return (
    `Measured ${file.createdAt.slice(0, 10)} with \`switchyard bench\`: ${formatCount(run.requests)} requests ` +
    `(${load}, concurrency ${settings.concurrency}${settings.stream ? ', streamed' : ''}) over ` +
    `${settings.rows} prompts from ${settings.data}, ${settings.labelledRows} of them labelled` +
    `${settings.judge === null ? '' : ` (rubrics graded by ${settings.judge}, SCORE ≥ 7 is correct)`}; ` +
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.nodeVersion}.`
  );
}

const FOOTNOTE =
  'Latency and tokens/s are over successful requests (exact nearest-rank percentiles). Cost per 1k requests ' +
  "is what the answers cost at the served models' prices (failures included). Correct is over successful answers of " +
  'labelled rows. Figures for routes mix the models they served.';

export function catalogCharts(file: BenchFile, baseName: string): CatalogChart[] {
  const charts: CatalogChart[] = [
    { fileName: `${baseName}-latency.svg`, title: 'Latency percentiles', svg: latencyChartSvg(file.targets) },
  ];
  const costQuality = costQualityChartSvg(file.targets);
  if (costQuality !== undefined) {
    charts.push({
      fileName: `${baseName}-cost-quality.svg`,
      title: 'Cost and correctness',
      svg: costQuality,
    });
  }
  return charts;
}

export function renderCatalogMarkdown(file: BenchFile, charts: readonly CatalogChart[]): string {
  const table = columns(file);
  const sections = [
    '# Model catalog',
    measuredLine(file),
    markdownTable(
      table.map((column) => column.header),
      file.targets.map((entry) => table.map((column) => column.cell(entry))),
    ),
    FOOTNOTE,
    ...charts.map((chart) => `![${chart.title}](${encodeURI(chart.fileName)})`),
  ];
  if (!charts.some((chart) => chart.fileName.endsWith('-cost-quality.svg'))) {
    sections.push('No cost–correctness chart: no target has both a cost and labelled answers.');
  }
  return `${sections.join('\n\n')}\n`;
}

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;color:#222;padding:0 1rem}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #ddd;padding:6px 8px;vertical-align:top}
th{text-align:left;background:#f4f4f4}td.number{text-align:right;white-space:nowrap}p.note{color:#555;font-size:13px}
figure{margin:2rem 0}svg{max-width:100%;height:auto}`;

export function renderCatalogHtml(file: BenchFile, charts: readonly CatalogChart[]): string {
  const table = columns(file);
  const rows = file.targets.map(
    (entry) =>
      `<tr>${table
        .map((column) => {
          const text = column.cell(entry);
          return `<td${looksNumeric(text) ? ' class="number"' : ''}>${escapeXml(text)}</td>`;
        })
        .join('')}</tr>`,
  );
  const figures = charts.map(
    (chart) => `<figure>\n${chart.svg.trim()}\n<figcaption>${escapeXml(chart.title)}</figcaption>\n</figure>`,
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Model catalog</title>',
    `<style>${STYLE}</style></head>`,
    '<body>',
    '<h1>Model catalog</h1>',
    `<p>${escapeXml(measuredLine(file)).replaceAll('`', '')}</p>`,
    '<table>',
    `<thead><tr>${table.map((column) => `<th>${escapeXml(column.header)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    `<p class="note">${escapeXml(FOOTNOTE)}</p>`,
    ...figures,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
