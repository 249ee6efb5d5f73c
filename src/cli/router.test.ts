import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRouterCommand } from './router.ts';
import type { CommandIo } from './validate.ts';

function capture(): CommandIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env: {}, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await runRouterCommand(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

let directory = '';
const path = (name: string): string => join(directory, name);

/** RouterBench-style rows: `weak` solves easy prompts only, `strong` nearly all, `mid` in between. */
function routerBenchCsv(rows: number): string {
  const lines = [
    ',sample_id,prompt,eval_name,strong,mid,weak,strong|model_response,mid|model_response,weak|model_response,strong|total_cost,mid|total_cost,weak|total_cost,oracle_model_to_route_to',
  ];
  for (let row = 0; row < rows; row++) {
    const hard = row % 2 === 1;
    const prompt = hard
      ? `['Prove the theorem about prime gaps, case ${row}.']`
      : `['What colour is a ripe banana? (${row})']`;
    const strong = row % 10 === 9 ? 0 : 1;
    const mid = hard && row % 4 === 1 ? 0 : 1;
    const weak = hard ? 0 : 1;
    lines.push(
      `${row},task.${row},"${prompt}",task,${strong},${mid},${weak},['a'],['b'],['c'],0.01,0.002,0.0005,weak`,
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-router-cli-'));
  await writeFile(path('bench.csv'), routerBenchCsv(60));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard router: import → train → score → eval', () => {
  it('imports RouterBench CSV into outcomes JSONL', async () => {
    const result = await run(['import', 'routerbench', path('bench.csv'), '--out', path('outcomes.jsonl')]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('imported 60 rows, 3 models');
    const first = JSON.parse((await readFile(path('outcomes.jsonl'), 'utf8')).split('\n')[0]!) as unknown;
    expect(first).toEqual({
      id: 'task.0',
      prompt: 'What colour is a ripe banana? (0)',
      outcomes: {
        strong: { quality: 1, cost: 0.01, response: 'a' },
        mid: { quality: 1, cost: 0.002, response: 'b' },
        weak: { quality: 1, cost: 0.0005, response: 'c' },
      },
      tags: { eval_name: 'task' },
    });
  });

  it('trains a router artifact', async () => {
    const result = await run(['train', '--data', path('outcomes.jsonl'), '--out', path('router.json')]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/trained on 60 rows .* no embeddings/);
    const artifact = JSON.parse(await readFile(path('router.json'), 'utf8')) as {
      format: string;
      models: { id: string }[];
    };
    expect(artifact.format).toBe('switchyard-learned-router');
    expect(artifact.models.map((model) => model.id)).toEqual(['mid', 'strong', 'weak']);
  });

  it('scores one JSON line per row, in the documented shape', async () => {
    const result = await run(['score', '--router', path('router.json'), '--data', path('outcomes.jsonl')]);
    expect(result.code).toBe(0);
    const lines = result.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; predicted: Record<string, number> });
    expect(lines).toHaveLength(60);
    expect(Object.keys(lines[0]!)).toEqual(['id', 'predicted']);
    expect(Object.keys(lines[0]!.predicted)).toEqual(['mid', 'strong', 'weak']);
    // The weak model is predicted good on easy prompts (even rows) and poor on hard ones.
    expect(lines[0]!.predicted.weak).toBeGreaterThan(lines[1]!.predicted.weak!);
  });

  it('evaluates multi-model routing as JSON, with references, and writes the plot', async () => {
    const result = await run([
      'eval',
      '--router',
      path('router.json'),
      '--data',
      path('outcomes.jsonl'),
      '--json',
      '--plot',
      path('curve.svg'),
    ]);
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.out) as Record<string, unknown> & {
      aiq: number;
      points: unknown[];
      references: {
        zero_router: { aiq: number };
        oracle: { aiq: number };
        models: unknown[];
        random: unknown;
      };
    };
    expect(Object.keys(evaluation)).toEqual(expect.arrayContaining(['aiq', 'points', 'references']));
    expect(evaluation.references.models).toHaveLength(3);
    expect(evaluation.references.random).toBeDefined();
    // The router separates easy from hard prompts, so it beats mixing fixed models; the oracle beats it.
    expect(evaluation.aiq).toBeGreaterThan(evaluation.references.zero_router.aiq);
    expect(evaluation.aiq).toBeLessThanOrEqual(evaluation.references.oracle.aiq + 1e-9);
    expect(result.err).toContain('wrote');
    const svg = await readFile(path('curve.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('zero router (AIQ');
    expect(svg).toContain('mean cost per query');
  });

  it('evaluates strong/weak routing with APGR and CPT', async () => {
    const result = await run([
      'eval',
      '--router',
      path('router.json'),
      '--data',
      path('outcomes.jsonl'),
      '--strong',
      'strong',
      '--weak',
      'weak',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const evaluation = JSON.parse(result.out) as {
      apgr: number;
      cpt50: number;
      cpt80: number;
      references: { random: { apgr: number }; oracle: { apgr: number } };
    };
    expect(evaluation.references.random.apgr).toBeCloseTo(0.5, 12);
    expect(evaluation.apgr).toBeGreaterThan(0.5);
    expect(evaluation.cpt50).toBeLessThan(0.5);
    expect(typeof evaluation.cpt80).toBe('number');
  });

  it('prints a readable report without --json', async () => {
    const result = await run(['eval', '--router', path('router.json'), '--data', path('outcomes.jsonl')]);
    expect(result.out).toContain('AIQ (area under the non-decreasing convex hull');
    expect(result.out).toContain('oracle (best per prompt, cheapest)');
  });
});

describe('switchyard router: bad input exits 2 with a clear message', () => {
  it('names a missing or unknown flag', async () => {
    expect(await run(['train', '--out', path('x.json')])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--data') as string,
    });
    expect(await run(['score', '--router', 'r', '--data', 'd', '--bogus'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("'--bogus'") as string,
    });
    expect((await run(['nope'])).code).toBe(2);
    expect(await run(['import', 'request-log', '--scores', 's.jsonl'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--db') as string,
    });
    expect((await run([])).code).toBe(2);
  });

  it('names the file and line of a malformed outcomes row', async () => {
    const good = (await readFile(path('outcomes.jsonl'), 'utf8')).split('\n')[0]!;
    await writeFile(path('broken.jsonl'), `${good}\n{"id": "x", "prompt": 3, "outcomes": {}}\n`);
    const result = await run(['train', '--data', path('broken.jsonl'), '--out', path('x.json')]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`${path('broken.jsonl')}:2: prompt:`);
    expect(result.err).not.toContain('    at ');
  });

  it('rejects an unreadable router file, a lone --strong and a model the router does not know', async () => {
    const missing = await run(['score', '--router', path('none.json'), '--data', path('outcomes.jsonl')]);
    expect(missing).toMatchObject({
      code: 2,
      err: expect.stringContaining('none.json: cannot read: file not found') as string,
    });
    const lone = await run([
      'eval',
      '--router',
      path('router.json'),
      '--data',
      path('outcomes.jsonl'),
      '--strong',
      'strong',
    ]);
    expect(lone).toMatchObject({
      code: 2,
      err: expect.stringContaining('--strong and --weak go together') as string,
    });
    const unknown = await run([
      'eval',
      '--router',
      path('router.json'),
      '--data',
      path('outcomes.jsonl'),
      '--strong',
      'gpt-9',
      '--weak',
      'weak',
    ]);
    expect(unknown).toMatchObject({
      code: 2,
      err: expect.stringContaining("--strong 'gpt-9' is not a model") as string,
    });
  });

  it('rejects --models naming a model without outcomes, and a non-CSV import', async () => {
    const models = await run([
      'train',
      '--data',
      path('outcomes.jsonl'),
      '--out',
      path('x.json'),
      '--models',
      'strong,ghost',
    ]);
    expect(models).toMatchObject({
      code: 2,
      err: expect.stringContaining("no outcomes for --models 'ghost'") as string,
    });
    await writeFile(path('plain.csv'), 'a,b\n1,2\n');
    const csv = await run(['import', 'routerbench', path('plain.csv')]);
    expect(csv).toMatchObject({ code: 2, err: expect.stringContaining('plain.csv:1:') as string });
  });
});

describe('switchyard router: output paths', () => {
  it('creates the directories of --out and --plot paths that do not exist yet', async () => {
    const imported = await run([
      'import',
      'routerbench',
      path('bench.csv'),
      '--out',
      path('new/a/outcomes.jsonl'),
    ]);
    expect(imported.code).toBe(0);
    const trained = await run([
      'train',
      '--data',
      path('new/a/outcomes.jsonl'),
      '--out',
      path('new/b/router.json'),
    ]);
    expect(trained.code).toBe(0);
    const evaluated = await run([
      'eval',
      '--router',
      path('new/b/router.json'),
      '--data',
      path('new/a/outcomes.jsonl'),
      '--plot',
      path('new/c/curve.svg'),
    ]);
    expect(evaluated.code).toBe(0);
    expect(await readFile(path('new/c/curve.svg'), 'utf8')).toContain('<svg');
  });
});
