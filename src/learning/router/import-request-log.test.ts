import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRow } from '../../telemetry/request-log/row.fixture.ts';
import { createSqliteStore } from '../../telemetry/request-log/sqlite-store.ts';
import { loadScores, readRequestLog } from './import-request-log.ts';
import { promptText } from './outcomes.ts';

let directory = '';
let database = '';
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-request-log-'));
  database = join(directory, 'requests.sqlite');
  const store = createSqliteStore(database);
  await store.init();
  const messages = [
    { role: 'system', content: [{ type: 'text', text: 'Answer briefly.' }] },
    { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] },
  ];
  await store.insert([
    testRow('r1', 1, { prompt: messages, completion: '4', servedModel: 'small', costUsd: 0.0002 }),
    testRow('r2', 2, { prompt: messages, servedModel: 'large', outcome: 'upstream_timeout', status: 504 }),
    testRow('r3', 3, { servedModel: 'small' }),
  ]);
  await store.close();
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('request log → outcomes', () => {
  it('turns scored, successful requests with logged prompts into rows for the model that served them', async () => {
    const scoresPath = join(directory, 'scores.jsonl');
    await writeFile(
      scoresPath,
      [
        '{"request_id": "r1", "quality": 0.9}',
        '{"request_id": "r2", "quality": 0}',
        '{"request_id": "r3", "quality": 1}',
      ].join('\n'),
    );
    const { records, unmatchedScores } = readRequestLog(database, await loadScores(scoresPath));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      id: 'r1',
      outcomes: { small: { quality: 0.9, cost: 0.0002, latency_ms: 100, response: '4' } },
      tags: { route: 'default' },
    });
    expect(promptText(records[0]!)).toBe('Answer briefly.\n\nWhat is 2 + 2?');
    // r2 failed, r3 has no logged prompt.
    expect(unmatchedScores).toBe(2);
  });

  it('names the line of a bad score', async () => {
    const scoresPath = join(directory, 'bad-scores.jsonl');
    await writeFile(scoresPath, '{"request_id": "r1", "quality": "good"}\n');
    await expect(loadScores(scoresPath)).rejects.toThrow(/bad-scores\.jsonl:1: quality:/);
  });

  it('reports a file that is not a request log', async () => {
    const notSqlite = join(directory, 'not.sqlite');
    await writeFile(notSqlite, 'hello');
    expect(() => readRequestLog(notSqlite, new Map())).toThrow(/not\.sqlite: cannot/);
  });
});
