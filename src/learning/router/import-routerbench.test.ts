import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRouterBenchCsv, type RouterBenchRow } from './import-routerbench.ts';

let directory = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-routerbench-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const HEADER =
  ',sample_id,prompt,eval_name,m/a,m-b,m/a|model_response,m-b|model_response,m/a|total_cost,m-b|total_cost,oracle_model_to_route_to';

async function read(name: string, text: string, responses = true): Promise<RouterBenchRow[]> {
  const path = join(directory, name);
  await writeFile(path, text);
  const rows: RouterBenchRow[] = [];
  for await (const row of readRouterBenchCsv(path, { responses })) rows.push(row);
  return rows;
}

describe('readRouterBenchCsv', () => {
  it('turns each row into an outcome record, decoding the Python list cells', async () => {
    const rows = await read(
      'ok.csv',
      [
        HEADER,
        `7,mbpp.dev.1,"['Write a function.\\nIt\\'s ""easy"".']",mbpp,1.0,0.0,"['def f(): pass']","[""I can't""]",0.002,1e-05,m/a`,
        `8,mbpp.dev.2,['Second'],mbpp,,1.0,['x'],['y'],0.001,0.0001,m-b`,
      ].join('\n'),
    );
    expect(rows[0]).toEqual({
      line: 2,
      sourceIndex: '7',
      record: {
        id: 'mbpp.dev.1',
        prompt: 'Write a function.\nIt\'s "easy".',
        outcomes: {
          'm/a': { quality: 1, cost: 0.002, response: 'def f(): pass' },
          'm-b': { quality: 0, cost: 0.00001, response: "I can't" },
        },
        tags: { eval_name: 'mbpp' },
      },
    });
    // An empty quality cell: that model has no outcome for the row.
    expect(Object.keys(rows[1]!.record.outcomes)).toEqual(['m-b']);
  });

  it('leaves responses out when asked', async () => {
    const rows = await read('lean.csv', `${HEADER}\n1,s,['p'],e,1,1,['a'],['b'],0.1,0.2,m/a\n`, false);
    expect(rows[0]!.record.outcomes['m/a']).toEqual({ quality: 1, cost: 0.1 });
  });

  it('names the file, line and column of a bad cell', async () => {
    const badNumber = `${HEADER}\n1,s,['p'],e,yes,1,['a'],['b'],0.1,0.2,m/a\n`;
    await expect(read('number.csv', badNumber)).rejects.toThrow(/number\.csv:2: m\/a: not a number: "yes"/);
    const badPrompt = `${HEADER}\n1,s,"['p",e,1,1,['a'],['b'],0.1,0.2,m/a\n`;
    await expect(read('prompt.csv', badPrompt)).rejects.toThrow(
      /prompt\.csv:2: prompt: not a Python list of strings/,
    );
    const badCost = `${HEADER}\n1,s,['p'],e,1,1,['a'],['b'],,0.2,m/a\n`;
    await expect(read('cost.csv', badCost)).rejects.toThrow(
      /cost\.csv:2: m\/a\|total_cost: has a quality but no cost/,
    );
  });

  it('rejects a file that is not in the wide format, or not CSV', async () => {
    await expect(read('narrow.csv', 'id,prompt,score\n1,p,1\n')).rejects.toThrow(
      /narrow\.csv:1: the header has no "sample_id"/,
    );
    await expect(read('ragged.csv', `${HEADER}\n1,s\n`)).rejects.toThrow(/ragged\.csv:2: not a valid CSV/);
  });
});
