/**
 * Runs outcome rows through a config's real routing: the gateway is started in-process on a loopback
 * port, and each row is sent over HTTP as a chat completion naming the target (`auto`, a route or a
 * model). Models on `replay` providers answer with their recordings, so what comes back is which route
 * and model the config chose for each prompt — eval scores that choice with the recorded outcomes.
 *
 * For the run the gateway is quiet and stateless: no request log, metrics or tracing, and no circuit
 * breaking (a burst of replay misses must not make later rows fail differently from earlier ones).
 */

import { createGateway } from '../app.ts';
import { runPool } from '../benchmark/pool.ts';
import type { ResolvedConfig } from '../config/resolved.ts';
import type { OutcomeRecord } from '../learning/router/outcomes.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createEvalClient, type EvalCall } from './eval-client.ts';

export interface EvalRunOptions {
  readonly concurrency: number;
  /** Called after each row, for progress. */
  readonly onRow?: (done: number, total: number) => void;
}

/** One result per target, each with one call per row in row order. */
export async function runRowsThroughGateway(
  config: ResolvedConfig,
  rows: readonly OutcomeRecord[],
  targets: readonly string[],
  options: EvalRunOptions,
): Promise<EvalCall[][]> {
  const gateway = await createGateway(quietConfig(config), createLogger('silent'));
  const client = createEvalClient((await gateway.listen(0, '127.0.0.1')).url, options.concurrency);
  try {
    const results: EvalCall[][] = [];
    let done = 0;
    const total = rows.length * targets.length;
    for (const target of targets) {
      const calls = new Array<EvalCall>(rows.length);
      let next = 0;
      await runPool(
        options.concurrency,
        () => (next < rows.length ? next++ : undefined),
        async (index) => {
          calls[index] = await client.send(requestBody(rows[index]!, target));
          options.onRow?.(++done, total);
        },
      );
      results.push(calls);
    }
    return results;
  } finally {
    await client.close();
    await gateway.close();
  }
}

function quietConfig(config: ResolvedConfig): ResolvedConfig {
  return {
    ...config,
    server: { ...config.server, logLevel: 'silent' },
    requestLog: { ...config.requestLog, store: 'off' },
    metricsEnabled: false,
    tracing: undefined,
    circuitBreaker: { ...config.circuitBreaker, failureThreshold: 0 },
  };
}

/**
 * A row as an OpenAI chat completion: its messages (text parts only), or its prompt as one user turn.
 * The row's tags travel as request metadata, so rules may route on them (`metadata.eval_name`).
 */
export function requestBody(row: OutcomeRecord, model: string): Record<string, unknown> {
  const messages =
    row.messages === undefined
      ? [{ role: 'user', content: row.prompt ?? '' }]
      : row.messages.map((message) => ({
          role: message.role,
          content:
            typeof message.content === 'string'
              ? message.content
              : (message.content ?? [])
                  .filter((part) => part.type === 'text')
                  .map((part) => ({ type: 'text', text: part.text ?? '' })),
        }));
  return {
    model,
    messages,
    ...(row.tags === undefined || Object.keys(row.tags).length === 0 ? {} : { metadata: row.tags }),
  };
}
