/** Number formats and table layouts shared by the bench's stdout table, its report and the catalog. */

export const DASH = '—';

/** Milliseconds: one decimal under 10 ms (zero-latency runs), whole numbers above. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  return value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

/** USD: cents for amounts of a dollar or more, else three significant digits (0.000123). */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  if (value === 0) return '0';
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return String(Number(value.toPrecision(3)));
}

/** A price per million tokens: at least cents (0.10, 2.50), more digits when it has them (0.025). */
export function formatPrice(value: number): string {
  const cents = value.toFixed(2);
  return Number(cents) === value ? cents : String(Number(value.toPrecision(3)));
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return DASH;
  return `${(rate * 100).toFixed(1)}%`;
}

export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** `128,000` tokens as `128k`, `1,000,000` as `1M`. */
export function formatWindow(tokens: number): string {
  if (tokens >= 1_000_000 && tokens % 1_000_000 === 0) return `${tokens / 1_000_000}M`;
  if (tokens >= 1_000) return `${Number((tokens / 1_000).toPrecision(4))}k`;
  return String(tokens);
}

/** Fixed-width columns, two spaces apart; the first column left-aligned, the others right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((text, column) =>
    Math.max(text.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((text, column) =>
        column === 0 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Figures (digits, $, %, separators, a dash for none) are right-aligned in tables; words are not. */
export function looksNumeric(text: string): boolean {
  return /^[\d$%.,/ ()–—×kM-]+$/u.test(text) && /\d|^[—-]$/u.test(text);
}

/** A GitHub-flavoured markdown table; `|` in cells is escaped, columns of figures right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  const align = header.map((_, column) =>
    column > 0 && rows.length > 0 && rows.every((cells) => looksNumeric(cells[column] ?? '')) ? '--:' : ':--',
  );
  return [header, align, ...rows].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}
