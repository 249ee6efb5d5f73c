/**
 * Grading rubric rows with a judge model in the same gateway, after the measured run so judge traffic
 * never competes with the requests being timed. Each answer is one judge call asking for `SCORE: 0-10`;
 * 7 or more is correct. Judge costs are counted here, per target graded and in total, never in a
 * target's own cost.
 */

import { judgeMessages, judgeVerdict, parseJudgeScore, type CheckVerdict } from './correctness.ts';
import type { JudgeFigures } from './bench-json.ts';
import type { GatewayClient } from './gateway-client.ts';
import { runPool } from './pool.ts';
import type { Progress } from './progress.ts';
import type { ChatMessageBody } from './rows.ts';
import { callCostUsd, type GatewayFacts } from './targets.ts';

/** Room for a one-sentence justification and the score line. */
const JUDGE_MAX_TOKENS = 256;

export interface JudgeTask {
  readonly targetLabel: string;
  readonly messages: readonly ChatMessageBody[];
  readonly answer: string;
  readonly rubric: string;
  /** Receives the verdict when the judge gave a readable score. */
  readonly record: (verdict: CheckVerdict) => void;
}

export interface JudgeOptions {
  readonly client: GatewayClient;
  readonly model: string;
  readonly concurrency: number;
  readonly facts: GatewayFacts;
  readonly progress: Progress;
  readonly signal: AbortSignal;
}

export interface JudgeOutcome {
  readonly total: JudgeFigures;
  readonly byTarget: ReadonlyMap<string, JudgeFigures>;
}

class JudgeTally {
  calls = 0;
  failed = 0;
  ungraded = 0;
  costUsd = 0;
  scoreSum = 0;
  scored = 0;

  figures(model: string): JudgeFigures {
    const { calls, failed, ungraded, costUsd, scored } = this;
    return {
      model,
      calls,
      failed,
      ungraded,
      costUsd,
      meanScore: scored === 0 ? null : this.scoreSum / scored,
    };
  }
}

/** The conversation as the judge reads it: a lone user turn as is, else one `role: text` block per turn. */
export function conversationText(messages: readonly ChatMessageBody[]): string {
  const text = (message: ChatMessageBody): string => {
    const content = message.content;
    if (typeof content === 'string') return content;
    if (content === null || content === undefined) return '';
    return content
      .map((part) => (part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : '[image]'))
      .join('');
  };
  const only = messages.length === 1 ? messages[0] : undefined;
  if (only?.role === 'user') return text(only);
  return messages.map((message) => `${message.role}: ${text(message)}`).join('\n\n');
}

export async function runJudge(tasks: readonly JudgeTask[], options: JudgeOptions): Promise<JudgeOutcome> {
  const total = new JudgeTally();
  const byTarget = new Map<string, JudgeTally>();
  let next = 0;
  await runPool(
    options.concurrency,
    () => (options.signal.aborted || next >= tasks.length ? undefined : tasks[next++]),
    async (task) => {
      const result = await options.client.chat(
        {
          model: options.model,
          messages: judgeMessages(conversationText(task.messages), task.answer, task.rubric),
          maxTokens: JUDGE_MAX_TOKENS,
          jsonSchema: undefined,
          stream: false,
        },
        // In-flight calls finish even after a stop (the transport's own timeouts bound them).
        new AbortController().signal,
      );
      const score = result.ok ? parseJudgeScore(result.text) : undefined;
      const cost = callCostUsd(result, options.facts) ?? 0;
      let tally = byTarget.get(task.targetLabel);
      if (tally === undefined) byTarget.set(task.targetLabel, (tally = new JudgeTally()));
      for (const counts of [total, tally]) {
        counts.calls++;
        counts.costUsd += cost;
        if (!result.ok) counts.failed++;
        else if (score === undefined) counts.ungraded++;
        else {
          counts.scored++;
          counts.scoreSum += score;
        }
      }
      if (score !== undefined) task.record(judgeVerdict(score));
      options.progress.record(result.ok);
    },
  );
  options.progress.finish();
  return {
    total: total.figures(options.model),
    byTarget: new Map([...byTarget].map(([label, tally]) => [label, tally.figures(options.model)])),
  };
}
