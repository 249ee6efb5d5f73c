/**
 * RouterBench's wide CSV → outcome records. Its layout: `sample_id`, `prompt`, `eval_name`, one quality
 * column per model (named by the model), `<model>|model_response`, `<model>|total_cost`, and
 * `oracle_model_to_route_to`. Prompts and responses are Python list literals (`['text']`). An empty
 * quality cell means the model has no outcome for that row. `eval_name` becomes the tag `eval_name`:
 * reports may group by it, the router never reads it.
 */

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { describeReadFailure, InputError } from './input-error.ts';
import type { ModelOutcome, OutcomeRecord } from './outcomes.ts';
import { parsePythonStringList, PythonLiteralError } from './python-literal.ts';

const COST_SUFFIX = '|total_cost';
const RESPONSE_SUFFIX = '|model_response';

interface Layout {
  readonly id: number;
  /** RouterBench's unnamed first column: its original row number. */
  readonly index: number | undefined;
  readonly prompt: number;
  readonly evalName: number | undefined;
  readonly models: readonly { name: string; quality: number; cost: number; response: number | undefined }[];
}

export interface RouterBenchImportOptions {
  /** Keep each model's response text in the records (default true). */
  readonly responses?: boolean;
}

export interface RouterBenchRow {
  readonly record: OutcomeRecord;
  /** Line of the CSV where the row starts. */
  readonly line: number;
  /** RouterBench's own row number (its unnamed first column), when present. */
  readonly sourceIndex: string | undefined;
}

/** Yields one record per CSV row that has at least one model outcome. */
export async function* readRouterBenchCsv(
  path: string,
  options: RouterBenchImportOptions = {},
): AsyncGenerator<RouterBenchRow> {
  const input = createReadStream(path);
  const parser = input.pipe(parse({ bom: true, relax_column_count: false, info: true }));
  input.on('error', (error) => parser.destroy(error));
  let layout: Layout | undefined;
  let startLine = 1;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = startLine;
      startLine = entry.info.lines + 1;
      if (layout === undefined) {
        layout = readLayout(entry.record, path);
        continue;
      }
      const record = toOutcomeRecord(entry.record, layout, path, line, options.responses ?? true);
      const sourceIndex = layout.index === undefined ? undefined : entry.record[layout.index];
      if (record !== undefined) yield { record, line, sourceIndex };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('CSV_')
    ) {
      throw new InputError(path, `not a valid CSV: ${error.message}`, { line: startLine });
    }
    throw new InputError(path, `cannot read: ${describeReadFailure(error)}`);
  } finally {
    input.destroy();
  }
  if (layout === undefined) throw new InputError(path, 'empty file: expected a RouterBench header row');
}

function readLayout(header: readonly string[], path: string): Layout {
  const column = (name: string): number | undefined => {
    const index = header.indexOf(name);
    return index === -1 ? undefined : index;
  };
  const prompt = column('prompt');
  if (prompt === undefined) throw new InputError(path, 'the header has no "prompt" column', { line: 1 });
  // Row ids: RouterBench's sample_id, else its unnamed index column.
  const index = column('');
  const id = column('sample_id') ?? index;
  if (id === undefined) throw new InputError(path, 'the header has no "sample_id" column', { line: 1 });

  const models: Layout['models'][number][] = [];
  for (const [index, name] of header.entries()) {
    if (!name.endsWith(COST_SUFFIX)) continue;
    const model = name.slice(0, -COST_SUFFIX.length);
    const quality = column(model);
    if (quality === undefined) {
      throw new InputError(path, `"${name}" has no quality column "${model}" beside it`, { line: 1 });
    }
    models.push({ name: model, quality, cost: index, response: column(`${model}${RESPONSE_SUFFIX}`) });
  }
  if (models.length === 0) {
    throw new InputError(
      path,
      `the header has no "<model>${COST_SUFFIX}" columns: not RouterBench's wide format`,
      {
        line: 1,
      },
    );
  }
  return { id, index, prompt, evalName: column('eval_name'), models };
}

function toOutcomeRecord(
  cells: readonly string[],
  layout: Layout,
  path: string,
  line: number,
  keepResponses: boolean,
): OutcomeRecord | undefined {
  const id = cells[layout.id] ?? '';
  if (id === '') throw new InputError(path, 'empty row id', { line, field: 'sample_id' });
  const prompt = parseListCell(cells[layout.prompt] ?? '', path, line, 'prompt');
  if (prompt === undefined) throw new InputError(path, 'empty prompt', { line, field: 'prompt' });

  const outcomes: Record<string, ModelOutcome> = {};
  for (const model of layout.models) {
    const qualityText = (cells[model.quality] ?? '').trim();
    if (qualityText === '') continue;
    const quality = parseNumber(qualityText, path, line, model.name);
    const costText = (cells[model.cost] ?? '').trim();
    if (costText === '')
      throw new InputError(path, 'has a quality but no cost', { line, field: `${model.name}${COST_SUFFIX}` });
    const cost = parseNumber(costText, path, line, `${model.name}${COST_SUFFIX}`);
    if (cost < 0)
      throw new InputError(path, `negative cost ${cost}`, { line, field: `${model.name}${COST_SUFFIX}` });
    const response =
      keepResponses && model.response !== undefined
        ? parseListCell(cells[model.response] ?? '', path, line, `${model.name}${RESPONSE_SUFFIX}`)
        : undefined;
    outcomes[model.name] = { quality, cost, ...(response === undefined ? {} : { response }) };
  }
  if (Object.keys(outcomes).length === 0) return undefined;
  const evalName = layout.evalName === undefined ? '' : (cells[layout.evalName] ?? '');
  return { id, prompt, outcomes, ...(evalName === '' ? {} : { tags: { eval_name: evalName } }) };
}

/** A `['…']` cell as one string (several list items are joined by a blank line); undefined if empty. */
function parseListCell(text: string, path: string, line: number, field: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // A bare string (not a list) is taken as is: some exports store plain text.
  if (!trimmed.startsWith('[')) return text;
  try {
    const items = parsePythonStringList(trimmed);
    return items.length === 0 ? undefined : items.join('\n\n');
  } catch (error) {
    if (!(error instanceof PythonLiteralError)) throw error;
    throw new InputError(path, `not a Python list of strings: ${error.message}`, { line, field });
  }
}

function parseNumber(text: string, path: string, line: number, field: string): number {
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new InputError(path, `not a number: ${JSON.stringify(text)}`, { line, field });
  return value;
}
