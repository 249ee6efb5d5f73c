/** `switchyard stats` output: the stats response as a fixed-width table. */

import {
  OTHER_KEY,
  roundSignificant,
  type StatsGroup,
  type StatsResponse,
  type StatsResult,
} from './stats.ts';

export type StatsTableOptions = Pick<StatsResponse, 'window' | 'since' | 'until' | 'groupBy'>;

const DASH = '-';
const ms = (value: number | undefined): string => (value === undefined ? DASH : String(value));
const percent = (rate: number): string => `${(rate * 100).toFixed(2)}%`;
const usd = (value: number | null): string =>
  value === null ? DASH : value === 0 || value >= 1 ? value.toFixed(2) : String(roundSignificant(value, 3));

const COLUMNS: readonly { header: string; cell: (group: StatsGroup) => string }[] = [
  { header: 'REQUESTS', cell: (g) => String(g.count) },
  { header: 'ERRORS', cell: (g) => percent(g.errorRate) },
  { header: 'FALLBACK', cell: (g) => percent(g.fallbackRate) },
  { header: 'P50 ms', cell: (g) => ms(g.latencyMs?.p50) },
  { header: 'P95 ms', cell: (g) => ms(g.latencyMs?.p95) },
  { header: 'P99 ms', cell: (g) => ms(g.latencyMs?.p99) },
  { header: 'MAX ms', cell: (g) => ms(g.latencyMs?.max) },
  { header: 'TTFT P50 ms', cell: (g) => ms(g.ttftMs?.p50) },
  { header: 'TTFT P95 ms', cell: (g) => ms(g.ttftMs?.p95) },
  { header: 'TTFT P99 ms', cell: (g) => ms(g.ttftMs?.p99) },
  { header: 'IN TOKENS', cell: (g) => String(g.inputTokens) },
  { header: 'OUT TOKENS', cell: (g) => String(g.outputTokens) },
  { header: 'COST $', cell: (g) => usd(g.costUsd) },
  { header: '$ PER OK', cell: (g) => usd(g.costPerSuccessUsd) },
];

/** A fixed-width text table: a title line, one row per group, a rule, and the total. */
export function renderStatsTable(result: StatsResult, options: StatsTableOptions): string {
  const by = options.groupBy === 'none' ? '' : `, by ${options.groupBy}`;
  const title = `Requests in the last ${options.window} (${options.since} to ${options.until})${by}`;
  if (result.total.count === 0) return `${title}\nNo requests in this window.\n`;

  const keyHeader = options.groupBy === 'none' ? '' : options.groupBy.toUpperCase();
  const rows = [...result.groups, result.total].map((group) => [
    group.key,
    ...COLUMNS.map((c) => c.cell(group)),
  ]);
  const header = [keyHeader, ...COLUMNS.map((c) => c.header)];
  const widths = header.map((text, column) =>
    Math.max(text.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((text, column) => {
        const width = widths[column] ?? 0;
        return column === 0 ? text.padEnd(width) : text.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));
  const body = rows.map(line);
  const total = body.pop() ?? '';
  const lines = [title, '', line(header), ...body, ...(body.length > 0 ? [rule] : []), total];
  if (result.otherGroups > 0) {
    lines.push('', `${OTHER_KEY} folds ${result.otherGroups} smaller ${options.groupBy} groups.`);
  }
  return `${lines.join('\n')}\n`;
}
