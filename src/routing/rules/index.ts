/**
 * The routing rule language: `convo_length <= 8 && priority == "normal"`. Rules are parsed and
 * type-checked against the signal catalog when the config loads (throwing a positioned RuleError),
 * then run per request as compiled closures. See docs/routing-rules.md.
 */

import type { SignalCatalog, SignalValue, SignalValues } from '../../features/signal-types.ts';
import { checkRule } from './check.ts';
import { compileCondition, signalsOf } from './compile.ts';
import { parseRule } from './parser.ts';

export type * from './ast.ts';
export { checkRule } from './check.ts';
export { parseRule } from './parser.ts';
export { printRule, type ParenthesesStyle } from './print.ts';
export { RuleError } from './rule-error.ts';

export interface SignalRead {
  readonly name: string;
  /** `undefined` when the signal had no value for this request. */
  readonly value: SignalValue | undefined;
}

export interface TracedEvaluation {
  readonly result: boolean;
  /** The signals the rule actually read (short-circuiting skips some), once each, in reading order. */
  readonly reads: readonly SignalRead[];
}

export interface CompiledRule {
  readonly source: string;
  /** Every signal the rule may read, once each, in source order. */
  readonly signals: readonly string[];
  evaluate(values: SignalValues): boolean;
  /** Same result as `evaluate`, plus what was read, for the router's explain record. */
  evaluateTraced(values: SignalValues): TracedEvaluation;
}

/** Parses, checks and compiles `source`; throws RuleError with the position of the first problem. */
export function compileRule(source: string, catalog: SignalCatalog): CompiledRule {
  const tree = parseRule(source);
  checkRule(tree, source, catalog);
  const evaluate = compileCondition(tree, source);
  return {
    source,
    signals: signalsOf(tree),
    // The closure itself: the per-request path has no wrapper and no tracing.
    evaluate,
    evaluateTraced(values) {
      const reads: SignalRead[] = [];
      const recording: SignalValues = {
        get(name) {
          const value = values.get(name);
          if (!reads.some((read) => read.name === name)) reads.push({ name, value });
          return value;
        },
      };
      return { result: evaluate(recording), reads };
    },
  };
}
