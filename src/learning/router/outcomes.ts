/**
 * The outcomes format: what the learned router trains and is evaluated on. One JSON object per line, one
 * prompt per object, with what each model did on it:
 *
 *   {"id": "q1", "prompt": "…", "outcomes": {"gpt-4o": {"quality": 1, "cost": 0.0042}}}
 *
 * `messages` (OpenAI-style or the gateway's canonical messages, as the request log stores them) may stand
 * in for `prompt`. Quality is any number where higher is better (0/1 correctness, a judge score, a win
 * probability); cost is USD for that call. `tags` carry labels such as the source benchmark: reports may
 * group by them, the router never reads them.
 */

import { z } from 'zod';

const textPart = z.object({ type: z.string(), text: z.string().optional() });

const message = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(textPart), z.null()]),
});

const modelOutcome = z.object({
  quality: z.number().finite(),
  cost: z.number().finite().nonnegative(),
  latency_ms: z.number().finite().nonnegative().optional(),
  response: z.string().optional(),
});

export const outcomeRecordSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    prompt: z.string().optional(),
    messages: z.array(message).min(1).optional(),
    outcomes: z
      .record(z.string().min(1), modelOutcome)
      .refine((outcomes) => Object.keys(outcomes).length > 0, 'must name at least one model'),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((record, context) => {
    if ((record.prompt === undefined) === (record.messages === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['prompt'],
        message: 'exactly one of "prompt" or "messages" is required',
      });
    }
  });

export type OutcomeRecord = z.infer<typeof outcomeRecordSchema>;

/** A row as `router score` reads it: only the id and the prompt matter, outcomes may be absent. */
export const promptRecordSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    prompt: z.string().optional(),
    messages: z.array(message).min(1).optional(),
  })
  .superRefine((record, context) => {
    if ((record.prompt === undefined) === (record.messages === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['prompt'],
        message: 'exactly one of "prompt" or "messages" is required',
      });
    }
  });

export type PromptRecord = z.infer<typeof promptRecordSchema>;
export type ModelOutcome = z.infer<typeof modelOutcome>;

/** A message as either the OpenAI wire or the gateway's canonical request carries it. */
export interface PromptMessage {
  readonly role: string;
  readonly content: string | readonly { readonly type: string; readonly text?: string }[] | null;
}

/**
 * The text a router reads for a conversation: every message's text, in order, a blank line apart. The
 * gateway calls this on the live request so that serving sees the same text training did.
 */
export function promptTextFromMessages(messages: readonly PromptMessage[]): string {
  const texts: string[] = [];
  for (const entry of messages) {
    if (typeof entry.content === 'string') {
      if (entry.content !== '') texts.push(entry.content);
      continue;
    }
    for (const part of entry.content ?? []) {
      if (part.type === 'text' && part.text !== undefined && part.text !== '') texts.push(part.text);
    }
  }
  return texts.join('\n\n');
}

export function promptText(record: PromptRecord): string {
  return record.prompt ?? promptTextFromMessages(record.messages ?? []);
}

/** One JSONL line (no newline), keys in the documented order. */
export function formatOutcomeRecord(record: OutcomeRecord): string {
  const outcomes: Record<string, ModelOutcome> = {};
  for (const [model, outcome] of Object.entries(record.outcomes)) {
    outcomes[model] = {
      quality: outcome.quality,
      cost: outcome.cost,
      ...(outcome.latency_ms === undefined ? {} : { latency_ms: outcome.latency_ms }),
      ...(outcome.response === undefined ? {} : { response: outcome.response }),
    };
  }
  return JSON.stringify({
    id: record.id,
    ...(record.prompt === undefined ? {} : { prompt: record.prompt }),
    ...(record.messages === undefined ? {} : { messages: record.messages }),
    outcomes,
    ...(record.tags === undefined ? {} : { tags: record.tags }),
  });
}
