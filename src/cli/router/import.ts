/**
 * `switchyard router import routerbench <csv files...> [--out outcomes.jsonl] [--without-responses]`
 * `switchyard router import request-log --db switchyard-requests.sqlite --scores scores.jsonl [--out …]`
 */

import { parseArgs } from 'node:util';
import { readRouterBenchCsv } from '../../learning/router/import-routerbench.ts';
import { InputError } from '../../learning/router/input-error.ts';
import { formatOutcomeRecord } from '../../learning/router/outcomes.ts';
import { UsageError } from '../usage-error.ts';
import type { CommandIo } from '../validate.ts';
import { openLineWriter, type LineWriter } from './line-writer.ts';

const FORMATS = ['routerbench', 'request-log'] as const;

export async function runRouterImport(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      out: { type: 'string' },
      'without-responses': { type: 'boolean' },
      db: { type: 'string' },
      scores: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [format, ...files] = positionals;
  if (format === undefined) throw new UsageError(`name the source format: one of ${FORMATS.join(', ')}`);
  let summary: string;
  if (format === 'routerbench') {
    if (values.db !== undefined || values.scores !== undefined) {
      throw new UsageError('--db and --scores belong to the request-log format');
    }
    if (files.length === 0) throw new UsageError('expected at least one RouterBench CSV file');
    summary = await importRouterBench(files, values.out, values['without-responses'] === true, io);
  } else if (format === 'request-log') {
    if (files.length > 0) throw new UsageError(`unexpected argument '${files[0]}': the log is named by --db`);
    if (values.db === undefined) throw new UsageError('--db <switchyard-requests.sqlite> is required');
    if (values.scores === undefined) throw new UsageError('--scores <scores.jsonl> is required');
    summary = await importRequestLog(values.db, values.scores, values.out, io);
  } else {
    throw new UsageError(`unknown source format '${format}': expected one of ${FORMATS.join(', ')}`);
  }
  if (values.out === undefined) io.stderr(`${summary}\n`);
  else io.stdout(`${summary} into ${values.out}\n`);
  return 0;
}

async function importRouterBench(
  files: readonly string[],
  out: string | undefined,
  withoutResponses: boolean,
  io: CommandIo,
): Promise<string> {
  const writer = await openLineWriter(out, io);
  const ids = new Set<string>();
  const models = new Set<string>();
  let rows = 0;
  let renamed = 0;
  await closing(writer, async () => {
    for (const file of files) {
      for await (const row of readRouterBenchCsv(file, { responses: !withoutResponses })) {
        // RouterBench repeats a few sample_ids (one question split over two rows); ids must stay unique,
        // so a repeat takes RouterBench's own row number as a suffix.
        let id = String(row.record.id);
        if (ids.has(id)) {
          id = `${id}#${row.sourceIndex ?? `${file}:${row.line}`}`;
          renamed++;
        }
        if (ids.has(id)) throw new InputError(file, `row id '${id}' is not unique`, { line: row.line });
        ids.add(id);
        for (const model of Object.keys(row.record.outcomes)) models.add(model);
        await writer.write(formatOutcomeRecord({ ...row.record, id }));
        rows++;
      }
    }
  });
  const repeats = renamed === 0 ? '' : ` (${renamed} repeated sample_ids suffixed with #<row number>)`;
  return `imported ${rows} rows, ${models.size} models, from ${files.length} file(s)${repeats}`;
}

async function importRequestLog(
  database: string,
  scoresPath: string,
  out: string | undefined,
  io: CommandIo,
) {
  // Loaded only here: node:sqlite is not needed by the other formats.
  const { loadScores, readRequestLog } = await import('../../learning/router/import-request-log.ts');
  const scores = await loadScores(scoresPath);
  const { records, unmatchedScores } = readRequestLog(database, scores);
  const writer = await openLineWriter(out, io);
  await closing(writer, async () => {
    for (const record of records) await writer.write(formatOutcomeRecord(record));
  });
  const unmatched =
    unmatchedScores === 0
      ? ''
      : `; ${unmatchedScores} scores matched no successful request with a logged prompt`;
  return `imported ${records.length} scored requests from ${database}${unmatched}`;
}

async function closing(writer: LineWriter, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await writer.close();
  }
}
