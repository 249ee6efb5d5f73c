import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from './input-error.ts';
import { formatOutcomeRecord, promptText, promptTextFromMessages } from './outcomes.ts';
import { loadOutcomes, readPrompts } from './read-outcomes.ts';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-outcomes-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function file(name: string, lines: readonly string[]): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const ROW =
  '{"id": "q1", "prompt": "2+2?", "outcomes": {"m": {"quality": 1, "cost": 0.001, "latency_ms": 120}}}';

describe('outcomes JSONL', () => {
  it('reads rows with their line numbers, skipping blank lines', async () => {
    const rows = await loadOutcomes(await file('ok.jsonl', [ROW, '', ROW.replace('q1', 'q2')]));
    expect(rows.map((row) => [row.line, row.record.id])).toEqual([
      [1, 'q1'],
      [3, 'q2'],
    ]);
    expect(rows[0]!.record.outcomes.m).toEqual({ quality: 1, cost: 0.001, latency_ms: 120 });
  });

  it('names the file, line and field of a bad row', async () => {
    const path = await file('bad.jsonl', [
      ROW,
      '{"id": "q2", "prompt": "x", "outcomes": {"a/b": {"cost": 1}}}',
    ]);
    await expect(loadOutcomes(path)).rejects.toThrow(
      `${path}:2: outcomes["a/b"].quality: is missing (expected number)`,
    );
    const negative = await file('negative.jsonl', [ROW.replace('0.001', '-1')]);
    await expect(loadOutcomes(negative)).rejects.toThrow(`${negative}:1: outcomes.m.cost:`);
  });

  it('rejects malformed JSON, a missing prompt, and a row with both prompt and messages', async () => {
    await expect(loadOutcomes(await file('json.jsonl', ['{"id": 1,']))).rejects.toThrow(
      /json\.jsonl:1: not valid JSON/,
    );
    await expect(
      loadOutcomes(await file('none.jsonl', ['{"id": 1, "outcomes": {"m": {"quality": 1, "cost": 0}}}'])),
    ).rejects.toThrow(/none\.jsonl:1: prompt: exactly one of "prompt" or "messages"/);
  });

  it('reports an unreadable file without a stack trace', async () => {
    const missing = join(directory, 'missing.jsonl');
    const error: unknown = await loadOutcomes(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${missing}: cannot read: file not found`);
  });

  it('reads rows without outcomes for scoring', async () => {
    const rows = [];
    for await (const row of readPrompts(await file('prompts.jsonl', ['{"id": 7, "prompt": "hello"}'])))
      rows.push(row);
    expect(rows[0]!.record).toEqual({ id: 7, prompt: 'hello' });
  });
});

describe('prompt text', () => {
  it('joins OpenAI-style and canonical messages alike, text parts only', () => {
    const openai = [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'What is' }, { type: 'image_url' }, { type: 'text', text: 'this?' }],
      },
    ];
    expect(promptTextFromMessages(openai)).toBe('Be brief.\n\nWhat is\n\nthis?');
    expect(
      promptText({
        id: 'x',
        messages: [
          { role: 'user', content: null },
          { role: 'user', content: 'hi' },
        ],
      }),
    ).toBe('hi');
  });

  it('formats a record back to one line that parses to the same record', () => {
    const record = {
      id: 'a',
      prompt: 'p',
      outcomes: { m: { quality: 0.5, cost: 0.1, response: 'r' } },
      tags: { eval_name: 'x' },
    };
    expect(JSON.parse(formatOutcomeRecord(record))).toEqual(record);
  });
});
