/**
 * Benchmark prompt rows: one JSON object per line of a JSONL file, validated with zod so a bad line is
 * reported with its file, line and field instead of failing halfway through a run.
 */

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { openAIMessage } from '../server/protocol/openai/request-schema.ts';

/** `u` is always on (so `\\p{L}` and astral characters work); rows may add i, m, s. */
const regexExpectation = z
  .strictObject({
    regex: z.string().min(1),
    flags: z
      .string()
      .regex(/^[ims]*$/, 'may hold only the flags i, m and s')
      .optional(),
  })
  .refine(
    (expected) => {
      try {
        new RegExp(expected.regex, `${expected.flags ?? ''}u`);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression', path: ['regex'] },
  );

const rowSchema = z
  .strictObject({
    id: z.string().min(1).optional(),
    prompt: z.string().min(1).optional(),
    messages: z.array(openAIMessage).min(1).optional(),
    expected: z.union([z.string(), regexExpectation]).optional(),
    json_schema: z.record(z.string(), z.unknown()).optional(),
    rubric: z.string().min(1).optional(),
    max_tokens: z.number().int().positive().optional(),
  })
  .refine((row) => (row.prompt === undefined) !== (row.messages === undefined), {
    message: 'give exactly one of "prompt" or "messages"',
    path: ['prompt'],
  });

type RowDocument = z.infer<typeof rowSchema>;
export type ChatMessageBody = z.infer<typeof openAIMessage>;

/** What a correct answer looks like; a row may carry several (all must pass). */
export type Expectation =
  | { readonly kind: 'exact'; readonly text: string }
  | { readonly kind: 'regex'; readonly pattern: string; readonly flags: string }
  | { readonly kind: 'json_schema'; readonly schema: Readonly<Record<string, unknown>> }
  | { readonly kind: 'judge'; readonly rubric: string };

export type ExpectationKind = Expectation['kind'];
export const EXPECTATION_KINDS: readonly ExpectationKind[] = ['exact', 'regex', 'json_schema', 'judge'];

export interface PromptRow {
  /** From the row, else `line-<n>`. */
  readonly id: string;
  readonly messages: readonly ChatMessageBody[];
  readonly maxTokens: number | undefined;
  /** Sent as `response_format: json_schema`, and checked against the answer. */
  readonly jsonSchema: Readonly<Record<string, unknown>> | undefined;
  readonly expectations: readonly Expectation[];
}

/** A bad prompts file: the message names file:line and the field. */
export class PromptFileError extends Error {
  override readonly name = 'PromptFileError';
}

function toRow(document: RowDocument, line: number): PromptRow {
  const expectations: Expectation[] = [];
  if (typeof document.expected === 'string') expectations.push({ kind: 'exact', text: document.expected });
  else if (document.expected !== undefined) {
    expectations.push({
      kind: 'regex',
      pattern: document.expected.regex,
      flags: document.expected.flags ?? '',
    });
  }
  if (document.json_schema !== undefined) {
    expectations.push({ kind: 'json_schema', schema: document.json_schema });
  }
  if (document.rubric !== undefined) expectations.push({ kind: 'judge', rubric: document.rubric });
  const messages: readonly ChatMessageBody[] = document.messages ?? [
    { role: 'user', content: document.prompt ?? '' },
  ];
  return {
    id: document.id ?? `line-${line}`,
    messages,
    maxTokens: document.max_tokens,
    jsonSchema: document.json_schema,
    expectations,
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  return field === '' ? issue.message : `${field}: ${issue.message}`;
}

/** Parses JSONL text; `source` names the file in messages. Blank lines are skipped. */
export function parsePromptRows(text: string, source: string): PromptRow[] {
  const rows: PromptRow[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const lineNumber = index + 1;
    const where = `${source}:${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PromptFileError(`${where}: not valid JSON (${reason})`);
    }
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new PromptFileError(`${where}: ${first === undefined ? 'invalid row' : describeIssue(first)}`);
    }
    const row = toRow(parsed.data, lineNumber);
    const earlier = seen.get(row.id);
    if (earlier !== undefined) {
      throw new PromptFileError(`${where}: id: "${row.id}" is also the id of line ${earlier}`);
    }
    seen.set(row.id, lineNumber);
    rows.push(row);
  }
  if (rows.length === 0) throw new PromptFileError(`${source}: no prompt rows`);
  return rows;
}

export async function readPromptRows(path: string): Promise<PromptRow[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new PromptFileError(`${path}: cannot read the prompts file: ${reason}`);
  }
  return parsePromptRows(text, path);
}
