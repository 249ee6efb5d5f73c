import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticOutOfScope, syntheticRows } from '../learning/intent/testing.ts';
import type { LabelledText } from '../learning/intent/training-data.ts';
import { runClassifierCommand } from './classifier.ts';
import type { CommandIo } from './validate.ts';

const directory = mkdtempSync(join(tmpdir(), 'classifier-cli-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

const jsonl = (rows: readonly object[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), env: {} };
  const code = await runClassifierCommand(args, io);
  return { code, stdout, stderr };
}

const train: LabelledText[] = [...syntheticRows(30, 1), ...syntheticOutOfScope(20, 2)];
const test: LabelledText[] = [...syntheticRows(10, 3), ...syntheticOutOfScope(10, 4)];
const trainPath = file('train.jsonl', jsonl(train));
const testPath = file('test.jsonl', jsonl(test));
const modelPath = join(directory, 'model.json');

describe('switchyard classifier', () => {
  beforeAll(async () => {
    const result = await run('train', '--data', trainPath, '--out', modelPath);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('trains a model file and says what it did', async () => {
    const { code, stdout } = await run(
      'train',
      '--data',
      trainPath,
      '--out',
      join(directory, 'again.json'),
      '--seed',
      '2',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^trained 4 intents \+ oos on 140 rows in [\d.]+ s$/m);
    expect(stdout).toMatch(
      /calibrated on \d+ held-out rows \(training folds\): temperature [\d.]+, threshold [\d.]+/,
    );
    expect(stdout).toMatch(/wrote .*again\.json \([\d.]+ MB\)/);
    expect(existsSync(join(directory, 'again.json'))).toBe(true);
  });

  it('evaluates with --json: exactly the contract keys', async () => {
    const { code, stdout } = await run('eval', '--model', modelPath, '--data', testPath, '--json');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(stdout) as Record<string, number>;
    expect(Object.keys(result)).toEqual(['accuracy', 'oos_recall', 'macro_f1', 'p50_us', 'p99_us', 'n']);
    expect(result.n).toBe(test.length);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.oos_recall).toBeGreaterThanOrEqual(0.8);
    expect(result.p99_us).toBeGreaterThanOrEqual(result.p50_us!);
  });

  it('evaluates for people', async () => {
    const { code, stdout } = await run('eval', '--model', modelPath, '--data', testPath);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^rows {8}50 \(40 in scope, 10 oos\)$/m);
    expect(stdout).toMatch(/^accuracy {4}[\d.]+ %/m);
    expect(stdout).toMatch(/^oos recall {2}[\d.]+ %$/m);
    expect(stdout).toMatch(/^macro-F1 {4}[\d.]+$/m);
    expect(stdout).toMatch(/^latency {5}p50 [\d.]+ µs, p99 [\d.]+ µs$/m);
  });

  it('predicts one JSON line per row', async () => {
    const input = file(
      'in.jsonl',
      jsonl([{ text: 'play my favourite song' }, { text: 'giraffe volcano origami' }]),
    );
    const { code, stdout } = await run('predict', '--model', modelPath, '--data', input);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { label: string; confidence: number });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ label: 'music' });
    expect(lines[1]).toMatchObject({ label: 'oos' });
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['label', 'confidence']);
      expect(line.confidence).toBeGreaterThanOrEqual(0);
      expect(line.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('names the file, line and field of bad input, with exit code 2', async () => {
    const malformed = file('malformed.jsonl', '{"text": "hi", "label": "a"}\n{"text": "oops"\n');
    let result = await run('train', '--data', malformed, '--out', join(directory, 'x.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^switchyard classifier train: .*malformed\.jsonl:2: not valid JSON/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const missingLabel = file('no-label.jsonl', '{"text": "hi", "label": "a"}\n{"text": "there"}\n');
    result = await run('eval', '--model', modelPath, '--data', missingLabel);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-label\.jsonl:2: field 'label': missing/);

    const noText = file('no-text.jsonl', '{"input": "hi"}\n');
    result = await run('predict', '--model', modelPath, '--data', noText);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-text\.jsonl:1: field 'text': missing/);

    result = await run('eval', '--model', join(directory, 'absent.json'), '--data', testPath);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/absent\.json: cannot read: file not found/);

    result = await run('predict', '--model', trainPath, '--data', testPath);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/train\.jsonl: not valid JSON/);

    const notAModel = file('not-a-model.json', '{"format": "something-else"}');
    result = await run('predict', '--model', notAModel, '--data', testPath);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not-a-model\.json: field 'format'/);

    const oneLabel = file('one-label.jsonl', jsonl([{ text: 'hi', label: 'greet' }]));
    result = await run('train', '--data', oneLabel, '--out', join(directory, 'y.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/only one label/);
  });

  it('rejects usage mistakes with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--out', modelPath], /--data is required/],
      [['eval', '--data', testPath], /--model is required/],
      [['eval', '--model', modelPath, '--data', testPath, '--out', 'x'], /--out is not an option of 'eval'/],
      [
        ['train', '--data', trainPath, '--out', modelPath, '--reject-in-scope', '2'],
        /--reject-in-scope must be a number from 0 to 1/,
      ],
      [
        ['train', '--data', trainPath, '--out', modelPath, '--threshold', '0.5', '--oos-recall', '0.5'],
        /--threshold fixes/,
      ],
      [['predict', '--model', modelPath, '--data', testPath, '--bogus'], /Unknown option '--bogus'/],
      [['classify'], /unknown subcommand 'classify'/],
      [[], /switchyard classifier train/],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await run('--help')).toMatchObject({ code: 0 });
  });
});
