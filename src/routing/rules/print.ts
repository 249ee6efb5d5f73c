/**
 * Prints a rule tree back to source: with the fewest parentheses that keep its shape (for messages
 * and docs), or with every compound operand parenthesised (to show how a rule was read).
 */

import type { RuleNode } from './ast.ts';

export type ParenthesesStyle = 'minimal' | 'full';

// Binding strength, loosest first; operands of a comparison or '-' must bind at least as tightly as '-'.
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARISON = 4;
const NEGATION = 5;
const PRIMARY = 6;

export function printRule(node: RuleNode, style: ParenthesesStyle = 'minimal'): string {
  return new Printer(style).print(node);
}

function precedenceOf(node: RuleNode): number {
  switch (node.kind) {
    case 'logical':
      return node.operator === '||' ? OR : AND;
    case 'not':
      return NOT;
    case 'compare':
      return COMPARISON;
    case 'negate':
      return NEGATION;
    case 'number':
    case 'string':
    case 'boolean':
    case 'list':
    case 'signal':
    case 'exists':
      return PRIMARY;
  }
}

class Printer {
  readonly #full: boolean;

  constructor(style: ParenthesesStyle) {
    this.#full = style === 'full';
  }

  print(node: RuleNode): string {
    switch (node.kind) {
      case 'number':
        return printNumber(node.value);
      case 'string':
        return printString(node.value);
      case 'boolean':
        return String(node.value);
      case 'list':
        return `[${node.items.map((item) => this.print(item)).join(', ')}]`;
      case 'signal':
        return node.name;
      case 'exists':
        return `exists(${node.signal.name})`;
      case 'negate':
        return `-${this.#operand(node.operand, NEGATION)}`;
      case 'not':
        return `!${this.#operand(node.operand, NOT)}`;
      case 'logical': {
        const level = precedenceOf(node);
        // Both operators associate to the left, so a right operand at the same level keeps its parentheses.
        return `${this.#operand(node.left, level)} ${node.operator} ${this.#operand(node.right, level + 1)}`;
      }
      case 'compare':
        return `${this.#operand(node.left, NEGATION)} ${node.operator} ${this.#operand(node.right, NEGATION)}`;
    }
  }

  /** `node` printed where the grammar needs at least `level` binding strength. */
  #operand(node: RuleNode, level: number): string {
    const text = this.print(node);
    const precedence = precedenceOf(node);
    const needed = this.#full ? precedence < PRIMARY : precedence < level;
    return needed ? `(${text})` : text;
  }
}

/** Plain decimal notation, since the language has no exponents: 1e21 prints as 1000000000000000000000. */
export function printNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  const sign = value < 0 ? '-' : '';
  const text = String(Math.abs(value));
  const match = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return sign + text;
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function printString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}
