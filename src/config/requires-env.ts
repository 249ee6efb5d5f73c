/**
 * `requires_env`: a provider whose listed variables are not all set is inactive. Its block and the models
 * it serves are set aside before validation: still checked for unknown keys and wrong types, but a value
 * that is an uninterpolated `${VAR}` (its variable being unset) is not an error there.
 */

import { isPlainObject, missingVariables, type Environment } from './interpolate.ts';
import type { ConfigPath, PendingIssue } from './issues.ts';
import { modelSchema, providerSchema } from './schema.ts';
import { schemaIssues, valueAt } from './schema-issues.ts';

/** Provider name → its required variables that are unset or empty, read from the unvalidated tree. */
export function findInactiveProviders(
  tree: Record<string, unknown>,
  environment: Environment,
): Map<string, string[]> {
  const inactive = new Map<string, string[]>();
  if (!isPlainObject(tree.providers)) return inactive;
  for (const [name, provider] of Object.entries(tree.providers)) {
    const required = isPlainObject(provider) ? provider.requires_env : undefined;
    if (!Array.isArray(required)) continue;
    const missing = missingVariables(
      required.filter((item) => typeof item === 'string'),
      environment,
    );
    if (missing.length > 0) inactive.set(name, missing);
  }
  return inactive;
}

/** Under `providers.<inactive>`, or under a model served by an inactive provider. */
export function isDormantPath(
  path: ConfigPath,
  tree: Record<string, unknown>,
  inactive: ReadonlyMap<string, unknown>,
): boolean {
  if (path.length < 2) return false;
  const [section, name] = path;
  if (section === 'providers') return inactive.has(String(name));
  return section === 'models' && dormantProviderOf(tree, String(name), inactive) !== undefined;
}

export interface DormantSplit {
  /** The tree without inactive providers and their models, for full validation. */
  readonly activeTree: Record<string, unknown>;
  /** Model id → inactive provider name. */
  readonly dormantModels: ReadonlyMap<string, string>;
  readonly issues: readonly PendingIssue[];
}

export function setAsideDormant(
  tree: Record<string, unknown>,
  inactive: ReadonlyMap<string, unknown>,
): DormantSplit {
  if (inactive.size === 0) return { activeTree: tree, dormantModels: new Map(), issues: [] };
  const issues: PendingIssue[] = [];
  const activeProviders: Record<string, unknown> = {};
  for (const [name, provider] of Object.entries(isPlainObject(tree.providers) ? tree.providers : {})) {
    if (inactive.has(name))
      issues.push(...dormantIssues(providerSchema.safeParse(provider), provider, ['providers', name]));
    else activeProviders[name] = provider;
  }
  const activeModels: Record<string, unknown> = {};
  const dormantModels = new Map<string, string>();
  for (const [id, model] of Object.entries(isPlainObject(tree.models) ? tree.models : {})) {
    const provider = dormantProviderOf(tree, id, inactive);
    if (provider === undefined) {
      activeModels[id] = model;
      continue;
    }
    dormantModels.set(id, provider);
    issues.push(...dormantIssues(modelSchema.safeParse(model), model, ['models', id]));
  }
  const activeTree = {
    ...tree,
    ...(isPlainObject(tree.providers) ? { providers: activeProviders } : {}),
    ...(isPlainObject(tree.models) ? { models: activeModels } : {}),
  };
  return { activeTree, dormantModels, issues };
}

function dormantProviderOf(
  tree: Record<string, unknown>,
  modelId: string,
  inactive: ReadonlyMap<string, unknown>,
): string | undefined {
  const model = isPlainObject(tree.models) ? tree.models[modelId] : undefined;
  const provider = isPlainObject(model) ? model.provider : undefined;
  return typeof provider === 'string' && inactive.has(provider) ? provider : undefined;
}

type SafeParse = ReturnType<typeof providerSchema.safeParse> | ReturnType<typeof modelSchema.safeParse>;

function dormantIssues(result: SafeParse, value: unknown, prefix: ConfigPath): PendingIssue[] {
  if (result.success) return [];
  return schemaIssues(result.error, value, prefix).filter((issue) => {
    const found = valueAt(value, issue.path.slice(prefix.length));
    return !(typeof found === 'string' && found.includes('${'));
  });
}
