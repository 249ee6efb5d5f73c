/**
 * What the intent classifier learns from and is checked against: labelled texts, given either as rows
 * (a JSONL file of `{"text": ..., "label": ...}`) or as few-shot examples per intent (`{intent: [texts]}`,
 * the shape a config lists). Rows labelled `oos` are out-of-scope examples.
 */

import { readFile } from 'node:fs/promises';

/** The label of out-of-scope rows, in data and in predictions. */
export const OUT_OF_SCOPE_LABEL = 'oos';

export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

/** Few-shot examples: utterances per intent (`oos` may list out-of-scope examples). */
export type IntentExamples = Readonly<Record<string, readonly string[]>>;

/**
 * A problem with an input file (training or evaluation JSONL, a model artifact): the CLI prints the
 * message without a stack trace and exits 2. It names the file, and where known the line and field.
 */
export class IntentInputError extends Error {
  override readonly name = 'IntentInputError';
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(file: string, problem: string, location: { line?: number; field?: string } = {}) {
    const where = location.line === undefined ? file : `${file}:${location.line}`;
    const field = location.field === undefined ? '' : `field '${location.field}': `;
    super(`${where}: ${field}${problem}`);
    this.file = file;
    this.line = location.line;
    this.field = location.field;
  }
}

export function rowsFromExamples(examples: IntentExamples): LabelledText[] {
  return Object.entries(examples).flatMap(([label, texts]) => texts.map((text) => ({ text, label })));
}

/** The reason a file could not be read, worded for a person rather than as an errno. */
export function describeReadFailure(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'file not found';
    if (error.code === 'EISDIR') return 'is a directory, not a file';
    if (error.code === 'EACCES') return 'permission denied';
  }
  return error instanceof Error ? error.message : String(error);
}

export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new IntentInputError(path, `cannot read: ${describeReadFailure(error)}`);
  }
}

/** One parsed JSONL row: its 1-based line number and its text, with its label when the row has one. */
export interface JsonlTextRow {
  readonly line: number;
  readonly text: string;
  readonly label: string | undefined;
}

/**
 * Rows of a JSONL file, each an object with a string `text` and (required when `requireLabel`) a
 * non-empty string `label`. Blank lines are skipped; anything else that is not such a row is an error
 * naming the line and the field.
 */
export function parseTextJsonl(path: string, content: string, requireLabel: boolean): JsonlTextRow[] {
  const rows: JsonlTextRow[] = [];
  const lines = content.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const source = (lines[index] ?? '').trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new IntentInputError(path, `not valid JSON (${reason})`, { line });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new IntentInputError(path, 'expected a JSON object like {"text": "...", "label": "..."}', {
        line,
      });
    }
    const record = value as Record<string, unknown>;
    const text = record.text;
    if (typeof text !== 'string') {
      throw new IntentInputError(
        path,
        text === undefined ? 'missing (expected a string)' : 'must be a string',
        {
          line,
          field: 'text',
        },
      );
    }
    const label = record.label;
    if (label === undefined && !requireLabel) {
      rows.push({ line, text, label: undefined });
      continue;
    }
    if (typeof label !== 'string' || label.trim() === '') {
      const problem = label === undefined ? 'missing (expected a string)' : 'must be a non-empty string';
      throw new IntentInputError(path, problem, { line, field: 'label' });
    }
    rows.push({ line, text, label });
  }
  return rows;
}

/** Labelled rows of a JSONL file (training, calibration or evaluation data). */
export async function readLabelledJsonl(path: string): Promise<LabelledText[]> {
  const rows = parseTextJsonl(path, await readTextFile(path), true);
  if (rows.length === 0)
    throw new IntentInputError(path, 'no rows (expected JSON lines with "text" and "label")');
  return rows.map((row) => ({ text: row.text, label: row.label ?? '' }));
}
