/**
 * Streams an outcomes JSONL file row by row, so files of any size never sit in memory as one string.
 * Every row is checked against the schema; the first bad one stops the read with an `InputError` naming
 * the file, the line and the field.
 */

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { describeReadFailure, InputError } from './input-error.ts';
import {
  outcomeRecordSchema,
  promptRecordSchema,
  type OutcomeRecord,
  type PromptRecord,
} from './outcomes.ts';

export interface Numbered<Record> {
  readonly record: Record;
  /** 1-based line number in the file. */
  readonly line: number;
}

export type NumberedOutcome = Numbered<OutcomeRecord>;

export function readOutcomes(path: string): AsyncGenerator<NumberedOutcome> {
  return readValidatedLines(path, outcomeRecordSchema);
}

/** Rows for scoring: an id and a prompt; outcomes, if present, are not read. */
export function readPrompts(path: string): AsyncGenerator<Numbered<PromptRecord>> {
  return readValidatedLines(path, promptRecordSchema);
}

/** Any JSONL file whose lines follow `schema`, with line-numbered errors. */
export async function* readValidatedLines<Record>(
  path: string,
  schema: z.ZodType<Record>,
): AsyncGenerator<Numbered<Record>> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
      if (text.trim() === '') continue;
      yield { record: parseLine(text, path, lineNumber, schema), line: lineNumber };
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, `cannot read: ${describeReadFailure(error)}`);
  } finally {
    lines.close();
    stream.destroy();
  }
}

export async function loadOutcomes(path: string): Promise<NumberedOutcome[]> {
  const rows: NumberedOutcome[] = [];
  for await (const row of readOutcomes(path)) rows.push(row);
  if (rows.length === 0) throw new InputError(path, 'no outcome rows');
  return rows;
}

export function parseOutcomeLine(text: string, file: string, line: number): OutcomeRecord {
  return parseLine(text, file, line, outcomeRecordSchema);
}

function parseLine<Record>(text: string, file: string, line: number, schema: z.ZodType<Record>): Record {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(file, `not valid JSON (${reason})`, { line });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(file, 'each line must be a JSON object', { line });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw new InputError(file, 'invalid row', { line });
  throw new InputError(file, describeIssue(issue), { line, field: formatPath(issue.path) });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `is missing (expected ${issue.expected})`;
  }
  return issue.message;
}

/** `outcomes["mistralai/mixtral-8x7b"].quality`: model ids are rarely valid identifiers. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      text += text === '' ? key : `.${key}`;
    } else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}
