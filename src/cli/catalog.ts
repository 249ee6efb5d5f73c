/**
 * `switchyard catalog snapshot --from bench.json [--out catalog.md|catalog.html]` — a one-page model
 * catalog from a bench JSON: markdown with its charts as SVG files beside it, or one HTML file with the
 * charts inline.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchFileError, parseBenchFile } from '../benchmark/bench-json.ts';
import { catalogCharts, renderCatalogHtml, renderCatalogMarkdown } from '../benchmark/catalog-snapshot.ts';
import { asUsageError, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
import type { CommandIo } from './validate.ts';

export const CATALOG_HELP = `switchyard catalog snapshot --from bench.json [--out catalog.md | --out catalog.html]

Writes a one-page model catalog from a 'switchyard bench --json' file: per model (or route) what it is for
(the config's model 'note'), context window, price, latency percentiles, tokens/s, cost per 1,000
requests, error rate and correctness on the labelled prompts, plus two SVG charts (latency percentiles;
cost against correctness). Markdown (the default, ./catalog.md) links the charts as SVG files written
beside it (<name>-latency.svg, <name>-cost-quality.svg); .html inlines them. Docs: docs/benchmarking.md.

Exit codes:
  0  written
  2  usage error, or the --from file is not a bench JSON (the message names the field)`;

const DEFAULT_OUT = 'catalog.md';

const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

interface SnapshotFlags {
  readonly from: string;
  readonly out: string;
}

function parseSnapshotFlags(args: readonly string[]): SnapshotFlags | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return 'help';
  if (values.from === undefined) throw new UsageError('--from <bench.json> is required');
  const out = values.out ?? DEFAULT_OUT;
  const extension = extname(out).toLowerCase();
  if (extension !== '.md' && extension !== '.html' && extension !== '.htm') {
    throw new UsageError(`--out must end in .md or .html, got '${out}'`);
  }
  return { from: values.from, out };
}

async function readBenchText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new UsageError(`cannot read ${path}: ${reason}`);
  }
}

/** Writes the page (and, for markdown, its charts); returns the paths written. */
async function snapshot(flags: SnapshotFlags): Promise<string[]> {
  const file = parseBenchFile(await readBenchText(flags.from), flags.from);
  const directory = dirname(flags.out);
  const baseName = basename(flags.out, extname(flags.out));
  const charts = catalogCharts(file, baseName);
  await mkdir(directory, { recursive: true });
  if (extname(flags.out).toLowerCase() !== '.md') {
    await writeFile(flags.out, renderCatalogHtml(file, charts));
    return [flags.out];
  }
  await writeFile(flags.out, renderCatalogMarkdown(file, charts));
  const chartPaths = charts.map((chart) => join(directory, chart.fileName));
  await Promise.all(charts.map((chart, index) => writeFile(chartPaths[index] ?? chart.fileName, chart.svg)));
  return [flags.out, ...chartPaths];
}

export async function runCatalogCommand(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) {
    io.stderr(`switchyard catalog: which subcommand? (known: snapshot)\n\n${CATALOG_HELP}\n`);
    return USAGE_EXIT_CODE;
  }
  if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
    io.stdout(`${CATALOG_HELP}\n`);
    return 0;
  }
  try {
    if (subcommand !== 'snapshot')
      throw new UsageError(`unknown subcommand '${subcommand}' (known: snapshot)`);
    const flags = parseSnapshotFlags(rest);
    if (flags === 'help') {
      io.stdout(`${CATALOG_HELP}\n`);
      return 0;
    }
    const written = await snapshot(flags);
    io.stdout(`wrote ${written.join(', ')}\n`);
    return 0;
  } catch (error) {
    const problem = error instanceof BenchFileError ? error : asUsageError(error);
    if (problem === undefined) throw error;
    io.stderr(`switchyard catalog: ${problem.message}\n`);
    return USAGE_EXIT_CODE;
  }
}
