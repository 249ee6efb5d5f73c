/** Resolves a route's `learned` block: loads the router artifact and checks the policy against the targets. */

import { resolve } from 'node:path';
import { InputError } from '../learning/router/input-error.ts';
import { loadRouter } from '../learning/router/predict.ts';
import { knownList, type PendingIssue } from './issues.ts';
import type { LearnedPolicy, LearnedRouteSettings } from './resolved.ts';
import type { ConfigDocument } from './schema.ts';

type RouteDocument = ConfigDocument['routes'][number];

export async function resolveLearned(
  route: RouteDocument,
  index: number,
  baseDir: string,
  issues: PendingIssue[],
): Promise<LearnedRouteSettings | undefined> {
  const path = ['routes', index, 'learned'];
  const learned = route.learned;
  if (route.strategy !== 'learned') {
    if (learned !== undefined) issues.push({ path, message: 'only for strategy: learned' });
    return undefined;
  }
  if (learned === undefined) {
    issues.push({ path, message: 'required with strategy: learned (router, policy)' });
    return undefined;
  }
  const policy = policyOf(learned, route.targets, path, issues);
  const routerPath = resolve(baseDir, learned.router);
  let router;
  try {
    router = await loadRouter(routerPath);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push({ path: [...path, 'router'], message: error.message });
    return undefined;
  }
  const modelNames: Record<string, string> = {};
  for (const target of route.targets) {
    const name = learned.models[target] ?? target;
    if (router.models.includes(name)) modelNames[target] = name;
    else
      issues.push({
        path: [...path, 'models'],
        message: `target "${target}" is not a model of the router "${name}"; map it in learned.models (router models: ${knownList(router.models)})`,
      });
  }
  if (policy === undefined) return undefined;
  return { router, routerPath, policy, modelNames, costs: learned.costs };
}

function policyOf(
  learned: NonNullable<RouteDocument['learned']>,
  targets: readonly string[],
  path: readonly (string | number)[],
  issues: PendingIssue[],
): LearnedPolicy | undefined {
  const need = (key: string): undefined => {
    issues.push({ path: [...path, key], message: `required with policy: ${learned.policy}` });
    return undefined;
  };
  switch (learned.policy) {
    case 'max-utility':
      return learned.lambda === undefined ? need('lambda') : { kind: 'max-utility', lambda: learned.lambda };
    case 'quality-target':
      return learned.target === undefined
        ? need('target')
        : { kind: 'quality-target', target: learned.target };
    case 'strong-weak': {
      const { strong, weak, threshold } = learned;
      if (strong === undefined) return need('strong');
      if (weak === undefined) return need('weak');
      if (threshold === undefined) return need('threshold');
      for (const [key, model] of [
        ['strong', strong],
        ['weak', weak],
      ] as const) {
        if (!targets.includes(model))
          issues.push({ path: [...path, key], message: `"${model}" is not a target of this route` });
      }
      return { kind: 'strong-weak', strong, weak, threshold };
    }
  }
}
