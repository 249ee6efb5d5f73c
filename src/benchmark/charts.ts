/**
 * The catalog's charts as standalone SVG: latency percentiles as grouped bars per target (drawn here,
 * since the shared plotter in evaluation/svg-plot.ts draws lines and markers only), and cost against
 * correctness as a scatter through that shared plotter.
 */

import { escapeXml, linearTicks, renderPlotSvg, type PlotSeries } from '../evaluation/svg-plot.ts';
import type { BenchTargetEntry } from './bench-json.ts';

/** Colour-blind-safe (Okabe–Ito) colours, one per series or target. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];
const MARKERS = ['circle', 'square', 'diamond', 'cross'] as const;

export interface BarGroup {
  readonly label: string;
  /** One value per series, in series order; undefined draws no bar. */
  readonly values: readonly (number | undefined)[];
}

export interface BarChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly string[];
  readonly groups: readonly BarGroup[];
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 72, right: 24, top: 64, bottom: 72 };

function fixed(value: number): string {
  return value.toFixed(1);
}

/** Grouped vertical bars from zero, one group per category, with a legend above the plot. */
export function renderBarChartSvg(options: BarChartOptions): string {
  const width =
    options.width ?? Math.max(480, 140 + options.groups.length * (options.series.length * 26 + 40));
  const height = options.height ?? 420;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const values = options.groups.flatMap((group) => group.values.filter((value) => value !== undefined));
  const top = Math.max(1, ...values) * 1.08;
  const ticks = linearTicks(0, top);
  const yMax = Math.max(top, ticks.at(-1) ?? top);
  const toY = (value: number): number => MARGIN.top + (1 - value / yMax) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, options.groups.length);
  const barWidth = Math.min(28, (groupWidth * 0.8) / Math.max(1, options.series.length));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${fixed(MARGIN.left + plotWidth / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const tick of ticks) {
    const y = fixed(toY(tick));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 8}" y="${fixed(toY(tick) + 4)}" text-anchor="end">${escapeXml(String(Number(tick.toPrecision(4))))}</text>`,
    );
  }
  for (const [groupIndex, group] of options.groups.entries()) {
    const groupStart =
      MARGIN.left + groupIndex * groupWidth + (groupWidth - barWidth * options.series.length) / 2;
    for (const [seriesIndex, value] of group.values.entries()) {
      if (value === undefined) continue;
      const x = groupStart + seriesIndex * barWidth;
      const y = toY(value);
      parts.push(
        `<rect x="${fixed(x)}" y="${fixed(y)}" width="${fixed(barWidth - 2)}" height="${fixed(MARGIN.top + plotHeight - y)}" fill="${PALETTE[seriesIndex % PALETTE.length]}"><title>${escapeXml(`${group.label} ${options.series[seriesIndex] ?? ''}: ${Math.round(value)}`)}</title></rect>`,
      );
    }
    parts.push(
      `<text x="${fixed(MARGIN.left + (groupIndex + 0.5) * groupWidth)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333333"/>`,
    `<text transform="translate(18 ${fixed(MARGIN.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(options.yLabel)}</text>`,
  );
  for (const [index, name] of options.series.entries()) {
    const x = MARGIN.left + index * 90;
    parts.push(
      `<rect x="${x}" y="36" width="12" height="12" fill="${PALETTE[index % PALETTE.length]}"/>`,
      `<text x="${x + 18}" y="46">${escapeXml(name)}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Latency p50/p95/p99 per target (successful requests). */
export function latencyChartSvg(targets: readonly BenchTargetEntry[]): string {
  return renderBarChartSvg({
    title: 'Latency percentiles per target',
    yLabel: 'latency (ms)',
    series: ['p50', 'p95', 'p99'],
    groups: targets.map((entry) => ({
      label: entry.label,
      values: [entry.latencyMs?.p50, entry.latencyMs?.p95, entry.latencyMs?.p99],
    })),
  });
}

/**
 * Cost per 1,000 requests (log axis) against correctness on the labelled rows; undefined when no target
 * has both figures (no expectations in the prompts, or free models a log axis cannot place).
 */
export function costQualityChartSvg(targets: readonly BenchTargetEntry[]): string | undefined {
  const series: PlotSeries[] = targets.flatMap((entry, index) => {
    const cost = entry.cost.per1kRequestsUsd;
    const rate = entry.correctness.rate;
    if (cost === null || rate === null || cost <= 0) return [];
    return [
      {
        name: entry.label,
        points: [{ x: cost, y: rate * 100, label: entry.label }],
        color: PALETTE[index % PALETTE.length] ?? '#000000',
        marker: MARKERS[index % MARKERS.length],
      },
    ];
  });
  if (series.length === 0) return undefined;
  return renderPlotSvg({
    title: 'Cost and correctness per target',
    xLabel: 'USD per 1,000 requests (log scale)',
    yLabel: 'correct (% of labelled answers)',
    series,
    logX: true,
    formatX: (value) => `$${Number(value.toPrecision(3))}`,
  });
}
