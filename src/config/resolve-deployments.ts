/**
 * Deployments: the places one model is served (its own provider and upstream, plus `deployments:`).
 * Each is resolved like a model of its own — window and prices from config, else that provider's
 * catalog — and carries its share of traffic and its capacity. A deployment whose provider is switched
 * off (an unset key) is left out; the model stays as long as its own provider is active.
 *
 * Routes filter models by compliance tags, and any deployment may serve, so a model carries only the
 * provider tags every one of its deployments has.
 */

import type { ResolvedModel } from '../core/model.ts';
import { knownList, type PendingIssue } from './issues.ts';
import type { GateLimits, ModelDeployments, ResolvedDeployment, ResolvedProvider } from './resolved.ts';
import { resolveModel } from './resolve-models.ts';
import type { ConfigDocument, ModelDocument } from './schema.ts';

type LimitDocument = Pick<ModelDocument, 'weight' | 'rpm' | 'tpm' | 'gate'>;

export interface DeploymentContext {
  readonly document: ConfigDocument;
  readonly providers: ReadonlyMap<string, ResolvedProvider>;
  /** Providers switched off by an unset environment variable. */
  readonly inactiveProviders: ReadonlyMap<string, readonly string[]>;
}

export async function resolveDeployments(
  primary: ResolvedModel,
  document: ModelDocument,
  context: DeploymentContext,
  issues: PendingIssue[],
): Promise<{ readonly model: ResolvedModel; readonly deployments: ModelDeployments }> {
  const deployments: ResolvedDeployment[] = [deployment(primary, document)];
  const providerTagSets: (readonly string[])[] = [providerTags(primary.provider, context.document)];
  for (const [index, entry] of document.deployments.entries()) {
    const path = ['models', primary.id, 'deployments', index];
    const provider = context.providers.get(entry.provider);
    const providerDocument = context.document.providers[entry.provider];
    if (provider === undefined || providerDocument === undefined) {
      if (!context.inactiveProviders.has(entry.provider)) {
        const known = knownList([...Object.keys(context.document.providers)]);
        issues.push({
          path: [...path, 'provider'],
          message: `unknown provider "${entry.provider}" (${known})`,
        });
      }
      continue;
    }
    const upstream = entry.upstream ?? document.upstream ?? primary.id;
    const asModel: ModelDocument = { ...document, provider: entry.provider, upstream, deployments: [] };
    // An upstream the deployment's provider does not know is the deployment's mistake, reported there.
    const reportAt = entry.upstream === undefined ? ['models', primary.id] : path;
    const model = await resolveModel(primary.id, asModel, provider, providerDocument, issues, reportAt);
    if (model === undefined) continue;
    const resolved = deployment(model, entry);
    if (deployments.some((existing) => existing.id === resolved.id)) {
      issues.push({ path, message: `deployment "${resolved.id}" is listed twice` });
      continue;
    }
    deployments.push(resolved);
    providerTagSets.push(providerDocument.tags);
  }
  if (deployments.every((entry) => entry.weight === 0)) {
    issues.push({
      path: ['models', primary.id, 'weight'],
      message: 'at least one deployment needs a weight above 0',
    });
  }
  const model =
    deployments.length === 1 ? primary : { ...primary, tags: sharedTags(document.tags, providerTagSets) };
  // Every deployment answers to the same routing facts (tags) as the model.
  const balanced = deployments.map((entry) => ({ ...entry, model: { ...entry.model, tags: model.tags } }));
  return { model, deployments: { balance: document.balance, deployments: balanced } };
}

function deployment(model: ResolvedModel, limits: LimitDocument): ResolvedDeployment {
  return {
    id: `${model.provider}/${model.upstreamModel}`,
    model,
    weight: limits.weight,
    rpm: limits.rpm,
    tpm: limits.tpm,
    gate: limits.gate === undefined ? undefined : gateLimits(limits.gate),
  };
}

function gateLimits(gate: NonNullable<LimitDocument['gate']>): GateLimits {
  return {
    maxConcurrency: gate.max_concurrency,
    maxQueue: gate.max_queue,
    queueTimeoutMs: gate.queue_timeout_ms,
  };
}

function providerTags(name: string, document: ConfigDocument): readonly string[] {
  return document.providers[name]?.tags ?? [];
}

/** The model's own tags, plus the provider tags all its deployments share. */
function sharedTags(modelTags: readonly string[], providerTagSets: readonly (readonly string[])[]): string[] {
  const [first = [], ...rest] = providerTagSets;
  const shared = first.filter((tag) => rest.every((tags) => tags.includes(tag)));
  return [...new Set([...shared, ...modelTags])];
}
