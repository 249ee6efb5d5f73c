/**
 * Learning from production: the gateway's SQLite request log joined with quality scores → outcome
 * records. A request becomes a row when its route logged bodies (`log_bodies`), it was answered (`ok`),
 * and a score names its request id. The row holds the one model that served it, with the request's cost
 * (every attempt, as logged), its total latency and the completion. Scores come from wherever quality is
 * judged — user feedback, an evaluator, a grader — as JSONL: `{"request_id": "…", "quality": 0.8}`.
 */

import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { describeReadFailure, InputError } from './input-error.ts';
import type { OutcomeRecord } from './outcomes.ts';
import { readValidatedLines } from './read-outcomes.ts';

const scoreSchema = z.object({ request_id: z.string().min(1), quality: z.number().finite() });

/** request id → quality; a later line for the same request replaces an earlier one. */
export async function loadScores(path: string): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  for await (const { record } of readValidatedLines(path, scoreSchema))
    scores.set(record.request_id, record.quality);
  return scores;
}

const canonicalMessages = z.array(
  z.object({
    role: z.string(),
    content: z.union([
      z.string(),
      z.array(z.object({ type: z.string(), text: z.string().optional() })),
      z.null(),
    ]),
  }),
);

const requestRow = z.object({
  id: z.string(),
  prompt: z.string(),
  served_model: z.string(),
  cost_usd: z.number(),
  total_ms: z.number(),
  completion: z.string().nullable(),
  route: z.string().nullable(),
});

export interface RequestLogImport {
  readonly records: readonly OutcomeRecord[];
  /** Scores whose request is not in the log, has no stored prompt, or did not succeed. */
  readonly unmatchedScores: number;
}

export function readRequestLog(databasePath: string, scores: ReadonlyMap<string, number>): RequestLogImport {
  let database: DatabaseSync;
  try {
    database = new DatabaseSync(databasePath, { readOnly: true });
  } catch (error) {
    throw new InputError(databasePath, `cannot open the request log: ${describeReadFailure(error)}`);
  }
  try {
    const statement = database.prepare(
      `SELECT id, prompt, served_model, cost_usd, total_ms, completion, route FROM requests
       WHERE prompt IS NOT NULL AND served_model IS NOT NULL AND outcome = 'ok' ORDER BY received_at, id`,
    );
    const records: OutcomeRecord[] = [];
    for (const raw of statement.iterate()) {
      const row = requestRow.safeParse(raw);
      if (!row.success) throw new InputError(databasePath, 'the requests table has unexpected columns');
      const quality = scores.get(row.data.id);
      if (quality === undefined) continue;
      const messages = parseMessages(row.data.prompt);
      if (messages === undefined) {
        throw new InputError(
          databasePath,
          `request ${row.data.id}: the stored prompt is not a list of messages`,
          {
            field: 'prompt',
          },
        );
      }
      records.push({
        id: row.data.id,
        messages,
        outcomes: {
          [row.data.served_model]: {
            quality,
            cost: row.data.cost_usd,
            latency_ms: row.data.total_ms,
            ...(row.data.completion === null ? {} : { response: row.data.completion }),
          },
        },
        ...(row.data.route === null ? {} : { tags: { route: row.data.route } }),
      });
    }
    return { records, unmatchedScores: scores.size - records.length };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(databasePath, `cannot read the request log: ${describeReadFailure(error)}`);
  } finally {
    database.close();
  }
}

function parseMessages(text: string): z.infer<typeof canonicalMessages> | undefined {
  try {
    const parsed = canonicalMessages.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.length > 0 ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
