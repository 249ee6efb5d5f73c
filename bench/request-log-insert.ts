/**
 * What a request-log row costs the SQLite store as the log grows, with random request ids against
 * time-ordered ones (core/ids.ts). The id is the table's primary key: a random key lands anywhere in
 * the index, so each insert touches pages all over a growing file; a time-ordered key lands at its end.
 *
 *   node bench/request-log-insert.ts [--rows 160000] [--batch 500]
 *
 * Rows are shaped like the gateway's (a three-rule decision, one attempt), written in batches as the
 * writer thread writes them, to a fresh file per id scheme in a temporary directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newId, newTimeOrderedId } from '../src/core/ids.ts';
import type { RoutingDecision } from '../src/routing/decision.ts';
import type { RequestLogRow } from '../src/telemetry/request-log/row.ts';
import { testRow } from '../src/telemetry/request-log/row.fixture.ts';
import { createSqliteStore } from '../src/telemetry/request-log/sqlite-store.ts';

const STEP_ROWS = 20_000;

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '160000' }, batch: { type: 'string', default: '500' } },
  strict: true,
});
const totalRows = Number(values.rows);
const batchSize = Number(values.batch);
if (!Number.isInteger(totalRows) || totalRows < STEP_ROWS || !Number.isInteger(batchSize) || batchSize < 1) {
  process.stderr.write(`--rows must be an integer ≥ ${STEP_ROWS} and --batch a positive integer\n`);
  process.exit(2);
}

const reads = (signal: string, value: string | number | boolean | null) => ({ signal, value });
const decision: RoutingDecision = {
  requested: 'auto',
  route: 'bench',
  selection: 'default',
  rules: [
    {
      route: 'escalated',
      rule: 'convo_length > 8 || priority == "high" || metadata.escalation == "true"',
      result: false,
      reads: [reads('convo_length', 1), reads('priority', 'normal'), reads('metadata.escalation', null)],
    },
    {
      route: 'tools',
      rule: 'has_tools && tool_count > 3',
      result: false,
      reads: [reads('has_tools', false)],
    },
  ],
  candidates: ['primary', 'secondary'],
  removed: [],
  targets: ['primary', 'secondary'],
};

function rowsFor(ids: () => string, count: number): RequestLogRow[] {
  return Array.from({ length: count }, () =>
    testRow(ids(), Date.now(), {
      decision,
      attempts: [
        {
          target: 'primary',
          provider: 'simulator',
          deployment: 'simulator/gpt-4o-mini',
          startedAtMs: performance.now(),
          durationMs: 22.5,
          outcome: 'ok',
          upstreamStatus: undefined,
          message: undefined,
          firstTokenMs: 20.5,
          usage: { inputTokens: 40, outputTokens: 16, cachedInputTokens: 0, reasoningTokens: 0 },
          costUsd: 0.0000156,
          queueMs: 1.4,
          dropped: [],
        },
      ],
    }),
  );
}

async function measure(label: string, ids: () => string, directory: string): Promise<string[]> {
  const store = createSqliteStore(join(directory, `${label}.sqlite`));
  await store.init();
  const cells: string[] = [];
  try {
    for (let written = 0; written < totalRows; written += STEP_ROWS) {
      const rows = rowsFor(ids, STEP_ROWS);
      const startedAt = performance.now();
      for (let start = 0; start < rows.length; start += batchSize) {
        await store.insert(rows.slice(start, start + batchSize));
      }
      cells.push((((performance.now() - startedAt) * 1000) / rows.length).toFixed(1));
    }
  } finally {
    await store.close();
  }
  return cells;
}

const directory = await mkdtemp(join(tmpdir(), 'switchyard-log-insert-'));
try {
  const random = await measure('random', () => newId('req'), directory);
  const ordered = await measure('time-ordered', () => newTimeOrderedId('req'), directory);
  const steps = random.map((_, index) => `${((index + 1) * STEP_ROWS) / 1000}k`);
  process.stdout.write(
    [
      `µs per row to insert into the SQLite request log (batches of ${batchSize}), by rows already in it`,
      '',
      `| request ids | ${steps.join(' | ')} |`,
      `| :-- | ${steps.map(() => '--:').join(' | ')} |`,
      `| random | ${random.join(' | ')} |`,
      `| time-ordered | ${ordered.join(' | ')} |`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
