/** A route's `learned` block (docs/routing.md): route by a learned router's predicted quality and cost. */

import { z } from 'zod';

export const learnedSchema = z
  .strictObject({
    router: z
      .string()
      .min(1)
      .describe('A learned-router artifact from `switchyard router train` (path relative to this file).'),
    policy: z
      .enum(['max-utility', 'quality-target', 'strong-weak'])
      .describe(
        '`max-utility`: the target maximising predicted quality − lambda × cost; `quality-target`: the cheapest whose predicted quality reaches `target`; `strong-weak`: `strong` when its predicted advantage over `weak` exceeds `threshold`.',
      ),
    lambda: z.number().nonnegative().optional().describe('`max-utility`: quality given up per USD saved.'),
    target: z.number().optional().describe('`quality-target`: the predicted quality to reach.'),
    strong: z.string().min(1).optional().describe('`strong-weak`: the strong target.'),
    weak: z.string().min(1).optional().describe('`strong-weak`: the weak target.'),
    threshold: z.number().optional().describe('`strong-weak`: the advantage above which strong serves.'),
    models: z
      .record(z.string().min(1), z.string().min(1))
      .default({})
      .describe("Target id → the router's name for that model, where they differ (default: the same id)."),
    costs: z
      .enum(['router', 'prices'])
      .default('router')
      .describe(
        "Cost of a target in the trade-off: `router` — the mean cost per request recorded in the training data; `prices` — the target's price × the request's prompt tokens and its output cap.",
      ),
  })
  .describe('`strategy: learned`: how the learned router chooses among the targets.');
