/**
 * Turns a checked rule into closures, once, at load. Per request a rule is then a few closure calls:
 * no tree walk, no allocation, and `&&`/`||` skip their right side (and so never compute its signals)
 * when the left side decides. Regexes and `in` lists are built here, once.
 *
 * Missing values (`get` returns undefined): every comparison, `in`, `not in` and `matches` with a
 * missing operand is false; a boolean signal used as a condition is false when missing.
 */

import type { SignalValue, SignalValues } from '../../features/signal-types.ts';
import type { Comparison, ComparisonOperator, ListLiteral, RuleNode } from './ast.ts';
import { compilePattern } from './check.ts';

export type Condition = (values: SignalValues) => boolean;
type Read = (values: SignalValues) => SignalValue | undefined;
/** An operand known at load (folded) or read per request. */
type Operand =
  { readonly kind: 'constant'; readonly value: SignalValue } | { readonly kind: 'read'; readonly read: Read };

const ALWAYS: Condition = () => true;
const NEVER: Condition = () => false;

/** `node` must have passed `checkRule`; anything else is an internal error. */
export function compileCondition(node: RuleNode, source: string): Condition {
  switch (node.kind) {
    case 'boolean':
      return node.value ? ALWAYS : NEVER;
    case 'signal': {
      const { name } = node;
      return (values) => values.get(name) === true;
    }
    case 'exists': {
      const { name } = node.signal;
      return (values) => values.get(name) !== undefined;
    }
    case 'not': {
      const operand = compileCondition(node.operand, source);
      return (values) => !operand(values);
    }
    case 'logical': {
      const left = compileCondition(node.left, source);
      const right = compileCondition(node.right, source);
      return node.operator === '&&'
        ? (values) => left(values) && right(values)
        : (values) => left(values) || right(values);
    }
    case 'compare':
      return compileComparison(node, source);
    case 'number':
    case 'string':
    case 'list':
    case 'negate':
      throw new Error(`internal: a ${node.kind} is not a condition (the type checker should have said so)`);
  }
}

function compileOperand(node: RuleNode, source: string): Operand {
  switch (node.kind) {
    case 'number':
    case 'string':
    case 'boolean':
      return { kind: 'constant', value: node.value };
    case 'signal': {
      const { name } = node;
      return { kind: 'read', read: (values) => values.get(name) };
    }
    case 'negate': {
      const operand = compileOperand(node.operand, source);
      if (operand.kind === 'constant') return { kind: 'constant', value: -requireNumber(operand.value) };
      const { read } = operand;
      return {
        kind: 'read',
        read: (values) => {
          const value = read(values);
          return typeof value === 'number' ? -value : undefined;
        },
      };
    }
    case 'list':
      throw new Error('internal: a list is only compiled as the right side of in/not in');
    case 'exists':
    case 'not':
    case 'logical':
    case 'compare':
      return { kind: 'read', read: compileCondition(node, source) };
  }
}

function compileComparison(node: Comparison, source: string): Condition {
  const { operator, right } = node;
  const left = compileOperand(node.left, source);
  if (operator === 'matches') {
    if (right.kind !== 'string') throw new Error('internal: a matches pattern must be a string literal');
    const pattern = compilePattern(right, source);
    if (left.kind === 'constant') return pattern.test(requireString(left.value)) ? ALWAYS : NEVER;
    const { read } = left;
    return (values) => {
      const value = read(values);
      return typeof value === 'string' && pattern.test(value);
    };
  }
  if (operator === 'in' || operator === 'not in') {
    const wanted = operator === 'in';
    return right.kind === 'list'
      ? compileListMembership(left, right, wanted)
      : compileStringsMembership(left, compileOperand(right, source), wanted);
  }
  const rightOperand = compileOperand(right, source);
  if (rightOperand.kind === 'constant') {
    if (left.kind === 'read') return compareToConstant(operator, left.read, rightOperand.value);
    return compareValues(operator, left.value, rightOperand.value) ? ALWAYS : NEVER;
  }
  if (left.kind === 'constant') return compareToConstant(mirrored(operator), rightOperand.read, left.value);
  const readLeft = left.read;
  const readRight = rightOperand.read;
  return (values) => {
    const a = readLeft(values);
    if (a === undefined) return false; // false whatever the right side is: no need to read it
    const b = readRight(values);
    return b !== undefined && compareValues(operator, a, b);
  };
}

/** The common shape, `signal <op> literal`, with the operator chosen at load rather than per call. */
function compareToConstant(operator: ComparisonOperator, read: Read, constant: SignalValue): Condition {
  switch (operator) {
    case '==':
      return (values) => read(values) === constant;
    case '!=':
      return (values) => {
        const value = read(values);
        return value !== undefined && value !== constant;
      };
    case '<': {
      const limit = requireNumber(constant);
      return (values) => {
        const value = read(values);
        return typeof value === 'number' && value < limit;
      };
    }
    case '<=': {
      const limit = requireNumber(constant);
      return (values) => {
        const value = read(values);
        return typeof value === 'number' && value <= limit;
      };
    }
    case '>': {
      const limit = requireNumber(constant);
      return (values) => {
        const value = read(values);
        return typeof value === 'number' && value > limit;
      };
    }
    case '>=': {
      const limit = requireNumber(constant);
      return (values) => {
        const value = read(values);
        return typeof value === 'number' && value >= limit;
      };
    }
    case 'in':
    case 'not in':
    case 'matches':
      throw new Error(`internal: '${operator}' is not compiled as a comparison`);
  }
}

function compileListMembership(left: Operand, list: ListLiteral, wanted: boolean): Condition {
  const members = new Set<SignalValue | undefined>(list.items.map((item) => item.value));
  if (left.kind === 'constant') return members.has(left.value) === wanted ? ALWAYS : NEVER;
  const { read } = left;
  if (wanted) return (values) => members.has(read(values));
  return (values) => {
    const value = read(values);
    return value !== undefined && !members.has(value);
  };
}

/** `"x" in tags`: a string looked up in a `string[]` signal. */
function compileStringsMembership(needle: Operand, haystack: Operand, wanted: boolean): Condition {
  if (haystack.kind === 'constant') throw new Error('internal: a string[] operand is always a signal');
  const readList = haystack.read;
  if (needle.kind === 'constant') {
    const text = requireString(needle.value);
    return (values) => {
      const list = readList(values);
      return isStringList(list) && list.includes(text) === wanted;
    };
  }
  const readText = needle.read;
  return (values) => {
    const text = readText(values);
    if (typeof text !== 'string') return false;
    const list = readList(values);
    return isStringList(list) && list.includes(text) === wanted;
  };
}

/** Semantics shared by folding at load and the two-signal case; neither value is missing here. */
function compareValues(operator: ComparisonOperator, a: SignalValue, b: SignalValue): boolean {
  switch (operator) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return typeof a === 'number' && typeof b === 'number' && a < b;
    case '<=':
      return typeof a === 'number' && typeof b === 'number' && a <= b;
    case '>':
      return typeof a === 'number' && typeof b === 'number' && a > b;
    case '>=':
      return typeof a === 'number' && typeof b === 'number' && a >= b;
    case 'in':
    case 'not in':
    case 'matches':
      throw new Error(`internal: '${operator}' is not compiled as a comparison`);
  }
}

/** `3 < x` is `x > 3`: the operator seen from the other side. */
function mirrored(operator: ComparisonOperator): ComparisonOperator {
  switch (operator) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return operator;
  }
}

function isStringList(value: SignalValue | undefined): value is readonly string[] {
  return typeof value === 'object';
}

function requireNumber(value: SignalValue): number {
  if (typeof value !== 'number') throw new Error('internal: expected a number constant');
  return value;
}

function requireString(value: SignalValue): string {
  if (typeof value !== 'string') throw new Error('internal: expected a string constant');
  return value;
}

/** Every signal the rule may read, once each, in the order they appear. */
export function signalsOf(node: RuleNode): string[] {
  const names = new Set<string>();
  const visit = (current: RuleNode): void => {
    switch (current.kind) {
      case 'signal':
        names.add(current.name);
        return;
      case 'exists':
        names.add(current.signal.name);
        return;
      case 'negate':
      case 'not':
        visit(current.operand);
        return;
      case 'logical':
      case 'compare':
        visit(current.left);
        visit(current.right);
        return;
      case 'number':
      case 'string':
      case 'boolean':
      case 'list':
        return;
    }
  };
  visit(node);
  return [...names];
}
