/**
 * Turns what the client asked for into an execution plan: `auto` → the default route; a route name →
 * that route; a model id → that model alone. Route names win over model ids of the same name (config
 * resolution reports such a clash). The routing engine (rules, filters, context fitting) replaces the
 * body of `planRequest` without changing its signature.
 */

import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ResolvedConfig } from '../config/resolved.ts';

export const AUTO_MODEL = 'auto';

export interface ExecutionPlan {
  /** The route that decided, or `model:<id>` when the client named a model directly. */
  readonly route: string;
  readonly strategy: 'single' | 'fallback';
  readonly targets: readonly ResolvedModel[];
  /** What the executor does with a request feature a target cannot carry. */
  readonly onUnsupported: 'strict' | 'lenient';
}

export interface Planner {
  plan(request: ChatRequest): ExecutionPlan;
}

export function createPlanner(config: ResolvedConfig): Planner {
  // Plans for routes and bare models never change while a config is live: build each once.
  const plans = new Map<string, ExecutionPlan>();
  for (const model of config.models.values()) {
    plans.set(model.id, {
      route: `model:${model.id}`,
      strategy: 'single',
      targets: [model],
      onUnsupported: config.onUnsupported,
    });
  }
  for (const route of config.routes.values()) {
    const targets = route.targets.map((id) => config.models.get(id)).filter((model) => model !== undefined);
    plans.set(route.name, {
      route: route.name,
      strategy: route.strategy,
      targets,
      onUnsupported: route.onUnsupported,
    });
  }
  const defaultPlan = plans.get(config.defaultRoute);
  if (defaultPlan === undefined)
    throw new GatewayError('internal_error', `default route '${config.defaultRoute}' is not configured`);
  plans.set(AUTO_MODEL, defaultPlan);

  return {
    plan(request) {
      const plan = plans.get(request.model);
      if (plan === undefined) {
        throw new GatewayError(
          'model_not_found',
          `The model '${request.model}' does not exist. GET /v1/models lists the models and routes this gateway serves.`,
          {
            param: 'model',
          },
        );
      }
      return plan;
    },
  };
}
