/**
 * Type-checks a parsed rule against the signal catalog, at load: every signal must exist, every
 * operator must get the types it works on, and the whole rule must be a condition (boolean).
 */

import type { SignalCatalog, SignalType } from '../../features/signal-types.ts';
import type { Comparison, ListLiteral, RuleNode, StringLiteral } from './ast.ts';
import { RuleError } from './rule-error.ts';
import { closestSignal } from './suggest.ts';

type ValueType = SignalType | 'number list' | 'string list';

const TYPE_WORDS: Readonly<Record<ValueType, string>> = {
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true/false)',
  'string[]': 'a list of strings (string[])',
  'number list': 'a list of numbers',
  'string list': 'a list of strings',
};

/** Words that suggest the writer wanted to test for a missing value. */
const NULL_WORDS: ReadonlySet<string> = new Set(['null', 'nil', 'none', 'undefined']);

/** Throws a RuleError at the first problem found, reading left to right. */
export function checkRule(node: RuleNode, source: string, catalog: SignalCatalog): void {
  const checker = new TypeChecker(source, catalog);
  const type = checker.typeOf(node);
  if (type !== 'boolean') {
    checker.fail(node, `a rule must be a condition (true or false), but ${checker.describe(node, type)}`);
  }
}

/** The pattern of a `matches`, compiled as it will run: JavaScript syntax, Unicode mode, no other flags. */
export function compilePattern(pattern: StringLiteral, source: string): RegExp {
  try {
    return new RegExp(pattern.value, 'u');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const detail = reason.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new RuleError(source, pattern.span, `invalid regular expression: ${detail}`);
  }
}

class TypeChecker {
  readonly #source: string;
  readonly #catalog: SignalCatalog;

  constructor(source: string, catalog: SignalCatalog) {
    this.#source = source;
    this.#catalog = catalog;
  }

  typeOf(node: RuleNode): ValueType {
    switch (node.kind) {
      case 'number':
      case 'string':
      case 'boolean':
        return node.kind;
      case 'list':
        return this.fail(node, "a list can only follow 'in' or 'not in'");
      case 'signal':
        return this.#signalType(node.name, node);
      case 'exists':
        this.#signalType(node.signal.name, node.signal);
        return 'boolean';
      case 'negate': {
        const type = this.typeOf(node.operand);
        if (type !== 'number') {
          this.fail(node.operand, `'-' negates numbers; ${this.describe(node.operand, type)}`);
        }
        return 'number';
      }
      case 'not':
        this.#requireCondition(node.operand, "'!' negates a condition");
        return 'boolean';
      case 'logical':
        this.#requireCondition(node.left, `'${node.operator}' joins conditions`);
        this.#requireCondition(node.right, `'${node.operator}' joins conditions`);
        return 'boolean';
      case 'compare':
        this.#checkComparison(node);
        return 'boolean';
    }
  }

  fail(node: RuleNode, message: string): never {
    throw new RuleError(this.#source, node.span, message);
  }

  /** `prompt_tokens is a number`, quoting the node's own source text. */
  describe(node: RuleNode, type: ValueType): string {
    const text = this.#source
      .slice(node.span.offset, node.span.offset + node.span.length)
      .replace(/\s+/g, ' ');
    const shown = text.length > 40 ? `${text.slice(0, 39)}…` : text;
    return `${shown} is ${TYPE_WORDS[type]}`;
  }

  #signalType(name: string, node: RuleNode): SignalType {
    const definition = this.#catalog.lookup(name);
    if (definition !== undefined) return definition.type;
    if (NULL_WORDS.has(name)) this.fail(node, `there is no '${name}'; test presence with exists(signal)`);
    const known = this.#catalog.list();
    const suggestion = closestSignal(name, known);
    if (suggestion !== undefined) this.fail(node, `unknown signal '${name}' (did you mean '${suggestion}'?)`);
    const names = known.slice(0, 10).map((signal) => signal.name);
    const more = known.length > names.length ? ', …' : '';
    this.fail(node, `unknown signal '${name}' (known: ${names.join(', ')}${more})`);
  }

  #requireCondition(node: RuleNode, role: string): void {
    const type = this.typeOf(node);
    if (type !== 'boolean') this.fail(node, `${role} (true or false); ${this.describe(node, type)}`);
  }

  #checkComparison(node: Comparison): void {
    const { operator, left, right } = node;
    switch (operator) {
      case '==':
      case '!=': {
        const leftType = this.#scalarOperand(left);
        const rightType = this.#scalarOperand(right);
        if (leftType !== rightType) {
          const both = `${this.describe(left, leftType)} and ${this.describe(right, rightType)}`;
          this.fail(node, `'${operator}' compares values of the same type; ${both}`);
        }
        return;
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        for (const side of [left, right]) {
          const type = this.#scalarOperand(side);
          if (type !== 'number') {
            this.fail(side, `'${operator}' orders numbers only; ${this.describe(side, type)}`);
          }
        }
        return;
      case 'in':
      case 'not in':
        this.#checkMembership(node);
        return;
      case 'matches': {
        const leftType = this.typeOf(left);
        if (leftType !== 'string') {
          this.fail(left, `'matches' tests a string against a pattern; ${this.describe(left, leftType)}`);
        }
        if (right.kind !== 'string') {
          this.fail(
            right,
            "the pattern after 'matches' must be a string literal (it is compiled once, at load)",
          );
        }
        compilePattern(right, this.#source);
        return;
      }
    }
  }

  /** A number, string or boolean: lists are tested with `in`, never compared whole. */
  #scalarOperand(node: RuleNode): ValueType {
    const type = this.typeOf(node);
    if (type === 'string[]') {
      this.fail(
        node,
        `${this.describe(node, type)}; test membership with "value" in ${node.kind === 'signal' ? node.name : 'it'}`,
      );
    }
    return type;
  }

  #checkMembership(node: Comparison): void {
    const { operator, left, right } = node;
    if (right.kind === 'list') {
      const itemType = this.#listItemType(right);
      const leftType = this.#scalarOperand(left);
      if (leftType !== itemType) {
        const holds = itemType === 'number' ? 'numbers' : 'strings';
        this.fail(node, `'${operator}' looks for a value among ${holds}; ${this.describe(left, leftType)}`);
      }
      return;
    }
    const rightType = this.typeOf(right);
    if (rightType !== 'string[]') {
      const hint = rightType === 'string' ? " (to look inside a string, use 'matches')" : '';
      const described = this.describe(right, rightType);
      this.fail(
        right,
        `'${operator}' needs a list [...] or a string[] signal on its right; ${described}${hint}`,
      );
    }
    const leftType = this.#scalarOperand(left);
    if (leftType !== 'string') {
      this.fail(left, `'${operator}' looks for a string in a string[]; ${this.describe(left, leftType)}`);
    }
  }

  #listItemType(list: ListLiteral): 'number' | 'string' {
    const [first, ...rest] = list.items;
    if (first === undefined) return this.fail(list, 'an empty list never matches');
    for (const item of rest) {
      if (item.kind !== first.kind) {
        const both = `${this.describe(first, first.kind)} and ${this.describe(item, item.kind)}`;
        this.fail(item, `a list holds values of one type; ${both}`);
      }
    }
    return first.kind;
  }
}
