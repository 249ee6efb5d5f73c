/**
 * A self-contained SVG line/scatter plot — axes with ticks and labels, grid, title, legend — readable in
 * any image viewer, no browser or script needed. Used for cost–quality curves (log cost axis) and
 * strong-call-share curves (linear axis).
 */

import { logTicksBetween } from './cost-quality.ts';

export interface PlotPoint {
  readonly x: number;
  readonly y: number;
  /** Written beside a marker (e.g. a model's name). */
  readonly label?: string;
}

export interface PlotSeries {
  readonly name: string;
  readonly points: readonly PlotPoint[];
  readonly color: string;
  /** Draw a line through the points (in x order). */
  readonly line?: boolean;
  readonly dashed?: boolean;
  /** Marker at each point. */
  readonly marker?: 'circle' | 'square' | 'diamond' | 'cross' | 'none';
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly PlotSeries[];
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Formats x tick labels (default: up to 4 significant digits). */
  readonly formatX?: (value: number) => string;
}

const MARGIN = { left: 72, right: 250, top: 44, bottom: 56 };

export function renderPlotSvg(options: PlotOptions): string {
  const width = options.width ?? 880;
  const height = options.height ?? 540;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const logX = options.logX === true;
  const all = options.series.flatMap((series) => series.points).filter((point) => valid(point, logX));
  if (all.length === 0) throw new RangeError('nothing to plot');

  const xs = all.map((point) => (logX ? Math.log10(point.x) : point.x));
  const ys = all.map((point) => point.y);
  const [xMin, xMax] = padded(Math.min(...xs), Math.max(...xs), logX ? 0.05 : 0.03);
  const [yMin, yMax] = padded(Math.min(...ys), Math.max(...ys), 0.05);
  const toX = (value: number): number =>
    MARGIN.left + (((logX ? Math.log10(value) : value) - xMin) / (xMax - xMin)) * plotWidth;
  const toY = (value: number): number => MARGIN.top + (1 - (value - yMin) / (yMax - yMin)) * plotHeight;
  const formatX = options.formatX ?? ((value: number) => String(Number(value.toPrecision(4))));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];

  const xTicks = logX ? logTicksBetween(10 ** xMin, 10 ** xMax) : linearTicks(xMin, xMax);
  for (const tick of xTicks) {
    const x = fixed(toX(tick));
    parts.push(
      `<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#e4e4e4"/>`,
      `<text x="${x}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${escapeXml(formatX(tick))}</text>`,
    );
  }
  for (const tick of linearTicks(yMin, yMax)) {
    const y = fixed(toY(tick));
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotWidth}" y2="${y}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 8}" y="${fixed(toY(tick) + 4)}" text-anchor="end">${escapeXml(String(Number(tick.toPrecision(4))))}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333333"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${height - 14}" text-anchor="middle" font-size="13">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(options.yLabel)}</text>`,
  );

  const placedLabels: { x: number; y: number }[] = [];
  for (const series of options.series) {
    const points = series.points.filter((point) => valid(point, logX));
    if (series.line === true && points.length > 1) {
      const sorted = points.toSorted((left, right) => left.x - right.x);
      // Straight in data space is curved on a log axis: sample each segment so the line is drawn true.
      const path = (logX ? densify(sorted) : sorted)
        .map((point) => `${fixed(toX(point.x))},${fixed(toY(point.y))}`)
        .join(' ');
      parts.push(
        `<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const point of points) {
      parts.push(marker(series.marker ?? 'none', toX(point.x), toY(point.y), series.color));
      const label = point.label;
      if (label !== undefined) {
        // A label that would run past the plot's right edge is written to the left of its point.
        const leftward = toX(point.x) + 6 + 6 * label.length > MARGIN.left + plotWidth;
        const x = leftward ? toX(point.x) - 6 : toX(point.x) + 6;
        let y = toY(point.y) - 6;
        // Nudge a label down while it would overlap one already placed (about 7 px per character).
        while (
          placedLabels.some((other) => Math.abs(other.y - y) < 11 && Math.abs(other.x - x) < 7 * label.length)
        ) {
          y += 11;
        }
        placedLabels.push({ x, y });
        parts.push(
          `<text x="${fixed(x)}" y="${fixed(y)}"${leftward ? ' text-anchor="end"' : ''} font-size="10" fill="#444444">${escapeXml(label)}</text>`,
        );
      }
    }
  }

  // Legend, right of the plot.
  const legendX = MARGIN.left + plotWidth + 16;
  for (const [index, series] of options.series.entries()) {
    const y = MARGIN.top + 10 + index * 20;
    if (series.line === true) {
      parts.push(
        `<line x1="${legendX}" y1="${y}" x2="${legendX + 26}" y2="${y}" stroke="${series.color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    parts.push(marker(series.marker ?? 'none', legendX + 13, y, series.color));
    parts.push(`<text x="${legendX + 34}" y="${y + 4}">${escapeXml(series.name)}</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function densify(points: readonly PlotPoint[], steps = 24): PlotPoint[] {
  const dense: PlotPoint[] = [points[0]!];
  for (let index = 1; index < points.length; index++) {
    const left = points[index - 1]!;
    const right = points[index]!;
    for (let step = 1; step <= steps; step++) {
      const fraction = step / steps;
      dense.push({ x: left.x + (right.x - left.x) * fraction, y: left.y + (right.y - left.y) * fraction });
    }
  }
  return dense;
}

function valid(point: PlotPoint, logX: boolean): boolean {
  return Number.isFinite(point.x) && Number.isFinite(point.y) && (!logX || point.x > 0);
}

function padded(low: number, high: number, share: number): [number, number] {
  const span = high - low || Math.abs(high) || 1;
  return [low - span * share, high + span * share];
}

function fixed(value: number): string {
  return value.toFixed(1);
}

function marker(shape: NonNullable<PlotSeries['marker']>, x: number, y: number, color: string): string {
  switch (shape) {
    case 'none':
      return '';
    case 'circle':
      return `<circle cx="${fixed(x)}" cy="${fixed(y)}" r="4" fill="${color}"/>`;
    case 'square':
      return `<rect x="${fixed(x - 4)}" y="${fixed(y - 4)}" width="8" height="8" fill="${color}"/>`;
    case 'diamond':
      return `<polygon points="${fixed(x)},${fixed(y - 6)} ${fixed(x + 6)},${fixed(y)} ${fixed(x)},${fixed(y + 6)} ${fixed(x - 6)},${fixed(y)}" fill="${color}"/>`;
    case 'cross':
      return `<path d="M${fixed(x - 5)} ${fixed(y - 5)} L${fixed(x + 5)} ${fixed(y + 5)} M${fixed(x - 5)} ${fixed(y + 5)} L${fixed(x + 5)} ${fixed(y - 5)}" stroke="${color}" stroke-width="2"/>`;
  }
}

/** About five round ticks (steps of 1, 2 or 5 × 10ⁿ) inside [low, high]. */
export function linearTicks(low: number, high: number): number[] {
  const rough = (high - low) / 6;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step =
    [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
  }
  return ticks;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
