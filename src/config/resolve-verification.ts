/** Resolves a route's `cascade` and `verify` blocks, and checks what they refer to. */

import { knownList, type PendingIssue } from './issues.ts';
import type { AnswerRules, CascadeSettings, VerifierModelSettings, VerifySettings } from './resolved.ts';
import type { ConfigDocument } from './schema.ts';

type RouteDocument = ConfigDocument['routes'][number];
type CascadeDocument = NonNullable<RouteDocument['cascade']>;

export function resolveCascade(route: RouteDocument): CascadeSettings | undefined {
  if (route.strategy !== 'cascade') return undefined;
  const cascade: CascadeDocument = route.cascade ?? {
    rules: { refusal: true, truncated: true, json: true },
    on_verifier_error: 'escalate',
    on_exhausted: 'error',
  };
  const rules: AnswerRules = {
    rejectRefusals: cascade.rules.refusal,
    rejectTruncated: cascade.rules.truncated,
    rejectInvalidJson: cascade.rules.json,
    pattern: compilePattern(cascade.rules.pattern),
    requiredFields: cascade.rules.required_fields ?? [],
  };
  return {
    rules,
    minConfidence: cascade.min_confidence,
    verifier:
      cascade.verifier === undefined
        ? undefined
        : verifierSettings(cascade.verifier.model, cascade.verifier.min_score, cascade.verifier.instructions),
    webhook:
      cascade.webhook === undefined
        ? undefined
        : {
            url: cascade.webhook.url,
            timeoutMs: cascade.webhook.timeout_ms,
            headers: cascade.webhook.headers,
          },
    onVerifierError: cascade.on_verifier_error,
    maxCostUsd: cascade.max_cost_usd,
    onExhausted: cascade.on_exhausted,
  };
}

export function resolveVerify(route: RouteDocument): VerifySettings | undefined {
  const verify = route.verify;
  if (verify === undefined) return undefined;
  return {
    verifier: verifierSettings(verify.model, verify.min_score, verify.instructions),
    onReject: verify.on_reject,
    escalateTo: verify.escalate_to ?? verify.model,
    refusalText: verify.refusal_text,
  };
}

function verifierSettings(
  model: string,
  minScore: number,
  instructions: string | undefined,
): VerifierModelSettings {
  return { model, minScore, instructions };
}

/** Undefined for no pattern or a broken one (verificationIssues reports it). */
function compilePattern(source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

/** Problems with a route's verification blocks, collected with the rest at load. */
export function verificationIssues(
  route: RouteDocument,
  index: number,
  modelIds: ReadonlySet<string>,
): PendingIssue[] {
  const issues: PendingIssue[] = [];
  const path = ['routes', index];
  const checkModel = (model: string | undefined, at: readonly (string | number)[]): void => {
    if (model !== undefined && !modelIds.has(model))
      issues.push({ path: [...path, ...at], message: `unknown model "${model}" (${knownList(modelIds)})` });
  };
  if (route.strategy === 'cascade') {
    if (route.targets.length < 2)
      issues.push({
        path: [...path, 'targets'],
        message: 'strategy cascade needs at least two targets (cheapest first)',
      });
  } else if (route.cascade !== undefined) {
    issues.push({ path: [...path, 'cascade'], message: 'only for strategy: cascade' });
  }
  if (route.cascade !== undefined) {
    checkModel(route.cascade.verifier?.model, ['cascade', 'verifier', 'model']);
    const pattern = route.cascade.rules.pattern;
    if (pattern !== undefined) {
      try {
        new RegExp(pattern, 'u');
      } catch (error) {
        issues.push({
          path: [...path, 'cascade', 'rules', 'pattern'],
          message: `not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  }
  if (route.verify !== undefined) {
    checkModel(route.verify.model, ['verify', 'model']);
    checkModel(route.verify.escalate_to, ['verify', 'escalate_to']);
    if (route.verify.escalate_to !== undefined && route.verify.on_reject !== 'escalate')
      issues.push({ path: [...path, 'verify', 'escalate_to'], message: 'only with on_reject: escalate' });
  }
  return issues;
}
