/**
 * What a benchmark compares: `--targets` entries (a model id, or `route:<name>`), and the facts the
 * report shows beside the measurements (provider, context window, prices, the config's `note`), read from
 * the resolved config or, for a gateway at a URL, from its `GET /v1/models`.
 */

import { z } from 'zod';
import type { ResolvedConfig } from '../config/resolved.ts';
import { costUsd } from '../executor/cost.ts';
import type { CallResult } from './gateway-client.ts';

export interface BenchTarget {
  /** As written in `--targets`: `sim-lite`, `route:fast`. */
  readonly label: string;
  readonly kind: 'model' | 'route';
  /** Sent as `model`: the model id or the route name. */
  readonly name: string;
}

export interface ModelFacts {
  readonly id: string;
  readonly provider: string;
  readonly contextWindow: number;
  readonly maxOutputTokens: number | undefined;
  /** USD per million tokens. */
  readonly pricing: {
    readonly inputPerMillion: number;
    readonly outputPerMillion: number;
    readonly cachedInputPerMillion?: number;
  };
  readonly note: string | undefined;
}

export interface RouteFacts {
  readonly name: string;
  readonly strategy: string;
  readonly targets: readonly string[];
}

export interface GatewayFacts {
  readonly models: ReadonlyMap<string, ModelFacts>;
  readonly routes: ReadonlyMap<string, RouteFacts>;
}

const ROUTE_PREFIX = 'route:';

/** `a,route:b` → targets; throws a message naming the bad entry. */
export function parseTargets(text: string): BenchTarget[] {
  const labels = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (labels.length === 0) throw new RangeError('--targets needs at least one model id or route:<name>');
  const targets: BenchTarget[] = [];
  for (const label of labels) {
    if (targets.some((target) => target.label === label))
      throw new RangeError(`--targets lists '${label}' twice`);
    if (label.startsWith(ROUTE_PREFIX)) {
      const name = label.slice(ROUTE_PREFIX.length);
      if (name === '') throw new RangeError(`--targets: '${label}' names no route`);
      targets.push({ label, kind: 'route', name });
    } else {
      targets.push({ label, kind: 'model', name: label });
    }
  }
  return targets;
}

export function factsFromConfig(config: ResolvedConfig): GatewayFacts {
  const models = new Map<string, ModelFacts>();
  for (const model of config.models.values()) {
    models.set(model.id, {
      id: model.id,
      provider: model.provider,
      contextWindow: model.contextWindow,
      maxOutputTokens: model.maxOutputTokens,
      pricing: {
        inputPerMillion: model.pricing.inputPerMillion,
        outputPerMillion: model.pricing.outputPerMillion,
        ...(model.pricing.cachedInputPerMillion === undefined
          ? {}
          : { cachedInputPerMillion: model.pricing.cachedInputPerMillion }),
      },
      note: model.note,
    });
  }
  const routes = new Map<string, RouteFacts>();
  for (const route of config.routes.values()) {
    routes.set(route.name, { name: route.name, strategy: route.strategy, targets: route.targets });
  }
  return { models, routes };
}

// The parts of GET /v1/models the bench reads (src/server/routes/models.ts); anything else is ignored.
const modelEntry = z.object({
  id: z.string(),
  switchyard: z.object({
    kind: z.literal('model'),
    provider: z.string(),
    context_window: z.number(),
    max_output_tokens: z.number().optional(),
    pricing_usd_per_million: z.object({ input: z.number(), output: z.number() }),
    note: z.string().optional(),
  }),
});
const routeEntry = z.object({
  id: z.string(),
  switchyard: z.object({ kind: z.literal('route'), strategy: z.string(), targets: z.array(z.string()) }),
});
const modelList = z.object({ data: z.array(z.unknown()) });

/** Facts from a gateway's `GET /v1/models` body (no notes unless the gateway sends them). */
export function factsFromModelList(body: unknown): GatewayFacts {
  const list = modelList.safeParse(body);
  if (!list.success) throw new RangeError('GET /v1/models did not answer a model list');
  const models = new Map<string, ModelFacts>();
  const routes = new Map<string, RouteFacts>();
  for (const entry of list.data.data) {
    const model = modelEntry.safeParse(entry);
    if (model.success) {
      const facts = model.data.switchyard;
      models.set(model.data.id, {
        id: model.data.id,
        provider: facts.provider,
        contextWindow: facts.context_window,
        maxOutputTokens: facts.max_output_tokens,
        pricing: {
          inputPerMillion: facts.pricing_usd_per_million.input,
          outputPerMillion: facts.pricing_usd_per_million.output,
        },
        note: facts.note,
      });
      continue;
    }
    const route = routeEntry.safeParse(entry);
    if (route.success) {
      const { strategy, targets } = route.data.switchyard;
      routes.set(route.data.id, { name: route.data.id, strategy, targets });
    }
  }
  return { models, routes };
}

/** Problems with targets the gateway does not know, each naming the target and what is known. */
export function unknownTargets(targets: readonly BenchTarget[], facts: GatewayFacts): string[] {
  const problems: string[] = [];
  for (const target of targets) {
    const known = target.kind === 'model' ? facts.models : facts.routes;
    if (known.has(target.name)) continue;
    const names = [...known.keys()].sort().join(', ');
    problems.push(`unknown ${target.kind} '${target.name}' (known: ${names === '' ? 'none' : names})`);
  }
  return problems;
}

/** The models a target may be served by: itself, or its route's targets. */
export function modelsOf(target: BenchTarget, facts: GatewayFacts): ModelFacts[] {
  const ids = target.kind === 'model' ? [target.name] : (facts.routes.get(target.name)?.targets ?? []);
  return ids.flatMap((id) => {
    const model = facts.models.get(id);
    return model === undefined ? [] : [model];
  });
}

/**
 * USD of one answered call: the gateway's `x-switchyard-cost-usd` when it sent one (non-streamed
 * answers), else usage × the served model's price; undefined when neither is known.
 */
export function callCostUsd(result: CallResult, facts: GatewayFacts): number | undefined {
  if (result.headerCostUsd !== undefined) return result.headerCostUsd;
  if (result.usage === undefined || result.servedModel === undefined) return undefined;
  const model = facts.models.get(result.servedModel);
  return model === undefined ? undefined : costUsd(result.usage, model.pricing);
}
