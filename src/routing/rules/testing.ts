/**
 * Test support: a small signal catalog, recording signal values, and a reference evaluator that walks
 * the tree directly, so the compiled closures can be checked against the documented semantics.
 */

import type {
  SignalCatalog,
  SignalDefinition,
  SignalType,
  SignalValue,
  SignalValues,
} from '../../features/signal-types.ts';
import type { RuleNode } from './ast.ts';
import { compileRule, RuleError } from './index.ts';

const FIXED: readonly SignalDefinition[] = (
  [
    ['prompt_tokens', 'number'],
    ['convo_length', 'number'],
    ['priority', 'string'],
    ['tenant', 'string'],
    ['model', 'string'],
    ['has_tools', 'boolean'],
    ['stream', 'boolean'],
    ['tags', 'string[]'],
  ] as const satisfies readonly (readonly [string, SignalType])[]
).map(([name, type]) => ({ name, type, description: `test signal ${name}` }));

/** The fixed signals above plus the `metadata.*` family (any key, type string). */
export const testCatalog: SignalCatalog = {
  lookup(name) {
    if (name.startsWith('metadata.') && name.length > 'metadata.'.length) {
      return { name, type: 'string', description: 'a metadata key' };
    }
    return FIXED.find((definition) => definition.name === name);
  },
  list: () => [...FIXED, { name: 'metadata.*', type: 'string', description: 'a metadata key' }],
};

/** Values from a record (a missing key is a missing value), noting every read in order. */
export function recordingValues(record: Readonly<Record<string, SignalValue | undefined>>): {
  values: SignalValues;
  reads: string[];
} {
  const reads: string[] = [];
  return {
    reads,
    values: {
      get(name) {
        reads.push(name);
        return Object.hasOwn(record, name) ? record[name] : undefined;
      },
    },
  };
}

/** Evaluates a checked tree by walking it, per docs/routing-rules.md; independent of compile.ts. */
export function referenceEvaluate(node: RuleNode, values: SignalValues): boolean {
  return evaluateNode(node, values) === true;
}

function evaluateNode(node: RuleNode, values: SignalValues): SignalValue | undefined {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return node.value;
    case 'list':
      throw new Error('a list is only evaluated by in/not in');
    case 'signal':
      return values.get(node.name);
    case 'exists':
      return values.get(node.signal.name) !== undefined;
    case 'negate': {
      const value = evaluateNode(node.operand, values);
      return typeof value === 'number' ? -value : undefined;
    }
    case 'not':
      return evaluateNode(node.operand, values) !== true;
    case 'logical': {
      const left = evaluateNode(node.left, values) === true;
      if (node.operator === '&&' ? !left : left) return left;
      return evaluateNode(node.right, values) === true;
    }
    case 'compare': {
      // A comparison with a missing side is false; a missing left side leaves the right unread.
      const left = evaluateNode(node.left, values);
      if (left === undefined) return false;
      const { operator, right } = node;
      if (operator === 'matches') {
        return right.kind === 'string' && new RegExp(right.value, 'u').test(String(left));
      }
      const rightValue =
        right.kind === 'list' ? right.items.map((item) => item.value) : evaluateNode(right, values);
      if (rightValue === undefined) return false;
      switch (operator) {
        case '==':
          return left === rightValue;
        case '!=':
          return left !== rightValue;
        case '<':
          return left < rightValue;
        case '<=':
          return left <= rightValue;
        case '>':
          return left > rightValue;
        case '>=':
          return left >= rightValue;
        case 'in':
        case 'not in': {
          const found = Array.isArray(rightValue) && rightValue.some((item) => item === left);
          return operator === 'in' ? found : !found;
        }
      }
    }
  }
}

/** A tree with spans removed, for comparing trees parsed from different text. */
export function withoutSpans(node: RuleNode): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) =>
      key === 'span' || key === 'operatorSpan' ? undefined : value,
    ),
  );
}

/** The RuleError `source` is rejected with, as plain fields for `toEqual`/`toMatchObject`. */
export function ruleErrorOf(
  source: string,
  catalog: SignalCatalog = testCatalog,
): { message: string; line: number; column: number; length: number } {
  try {
    compileRule(source, catalog);
  } catch (error) {
    if (!(error instanceof RuleError)) throw error;
    const { message, line, column, length } = error;
    return { message, line, column, length };
  }
  throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
}
