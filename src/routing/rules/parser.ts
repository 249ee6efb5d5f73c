/**
 * Recursive-descent parser. Precedence, lowest first: `||`, `&&`, `!`, comparison (`== != < <= > >=
 * in`, `not in`, `matches`, which never chain), unary minus, primary. `!` sits below comparison, so
 * `!x == "a"` reads as `!(x == "a")`.
 */

import type {
  ComparisonOperator,
  ListLiteral,
  NumberLiteral,
  RuleNode,
  SignalReference,
  Span,
  StringLiteral,
} from './ast.ts';
import { tokenize, type Token, type TokenKind } from './lexer.ts';
import { positionOf, RuleError } from './rule-error.ts';

/** Deeper nesting than this is certainly a mistake, and would otherwise risk the call stack. */
export const MAX_NESTING = 64;

const COMPARISON_TOKENS: ReadonlySet<TokenKind> = new Set([
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'matches',
]);

export function parseRule(source: string): RuleNode {
  return new Parser(source).parseWhole();
}

function spanning(first: Span, last: Span): Span {
  return { offset: first.offset, length: last.offset + last.length - first.offset };
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the rule';
    case 'number':
      return `number ${token.value}`;
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'name':
      return `'${token.value}'`;
    default:
      return `'${token.kind}'`;
  }
}

class Parser {
  readonly #source: string;
  readonly #tokens: Token[];
  readonly #end: Token;
  #position = 0;
  #depth = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
    this.#end = { kind: 'end', span: { offset: source.length, length: 0 }, value: '' };
  }

  parseWhole(): RuleNode {
    if (this.#peek().kind === 'end') this.#fail(this.#peek().span, 'the rule is empty');
    const node = this.#parseOr();
    const next = this.#peek();
    if (next.kind !== 'end') {
      const hint = next.kind === 'name' ? WORD_HINTS[next.value] : undefined;
      this.#fail(next.span, hint ?? `expected an operator or the end of the rule, found ${describe(next)}`);
    }
    return node;
  }

  #parseOr(): RuleNode {
    let left = this.#parseAnd();
    while (this.#peek().kind === '||') {
      this.#advance();
      const right = this.#parseAnd();
      left = { kind: 'logical', operator: '||', left, right, span: spanning(left.span, right.span) };
    }
    return left;
  }

  #parseAnd(): RuleNode {
    let left = this.#parseNot();
    while (this.#peek().kind === '&&') {
      this.#advance();
      const right = this.#parseNot();
      left = { kind: 'logical', operator: '&&', left, right, span: spanning(left.span, right.span) };
    }
    return left;
  }

  #parseNot(): RuleNode {
    const bang = this.#peek();
    if (bang.kind !== '!') return this.#parseComparison();
    this.#advance();
    const operand = this.#nested(bang, () => this.#parseNot());
    return { kind: 'not', operand, span: spanning(bang.span, operand.span) };
  }

  #parseComparison(): RuleNode {
    const left = this.#parseOperand();
    const operatorToken = this.#peek();
    let operator: ComparisonOperator;
    let operatorSpan = operatorToken.span;
    if (operatorToken.kind === 'not') {
      this.#advance();
      const inToken = this.#peek();
      if (inToken.kind !== 'in') {
        this.#fail(operatorToken.span, "'not' is only used in 'not in'; negate with '!'");
      }
      operator = 'not in';
      operatorSpan = spanning(operatorToken.span, inToken.span);
    } else if (COMPARISON_TOKENS.has(operatorToken.kind)) {
      operator = operatorToken.kind as ComparisonOperator;
    } else {
      return left;
    }
    this.#advance();
    const right = this.#parseOperand();
    const chained = this.#peek();
    if (COMPARISON_TOKENS.has(chained.kind) || chained.kind === 'not') {
      this.#fail(chained.span, `comparisons do not chain; join them with '&&' (found ${describe(chained)})`);
    }
    return { kind: 'compare', operator, left, right, span: spanning(left.span, right.span), operatorSpan };
  }

  #parseOperand(): RuleNode {
    const minus = this.#peek();
    if (minus.kind !== '-') return this.#parsePrimary();
    this.#advance();
    const operand = this.#nested(minus, () => this.#parseOperand());
    const span = spanning(minus.span, operand.span);
    // `-3` is a literal, so lists, constants and printing all see one number.
    if (operand.kind === 'number') return { kind: 'number', value: -operand.value, span };
    return { kind: 'negate', operand, span };
  }

  #parsePrimary(): RuleNode {
    const token = this.#peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.#advance();
        return this.#literal(token);
      case 'true':
      case 'false':
        this.#advance();
        return { kind: 'boolean', value: token.kind === 'true', span: token.span };
      case 'name':
        this.#advance();
        return { kind: 'signal', name: token.value, span: token.span };
      case 'exists':
        return this.#parseExists();
      case '[':
        return this.#parseList();
      case '(': {
        this.#advance();
        const inner = this.#nested(token, () => this.#parseOr());
        this.#expect(')', this.#closing(token));
        return inner;
      }
      case '!':
        return this.#fail(token.span, "'!' cannot stand here; put the negated part in parentheses");
      default:
        return this.#fail(token.span, `expected a value, found ${describe(token)}`);
    }
  }

  #parseExists(): RuleNode {
    const keyword = this.#advance();
    this.#expect('(', "after 'exists'");
    const name = this.#peek();
    if (name.kind !== 'name') this.#fail(name.span, `exists(…) takes a signal name, found ${describe(name)}`);
    this.#advance();
    const close = this.#expect(')', 'after the signal name in exists(…)');
    const signal: SignalReference = { kind: 'signal', name: name.value, span: name.span };
    return { kind: 'exists', signal, span: spanning(keyword.span, close.span) };
  }

  #parseList(): ListLiteral {
    const open = this.#advance();
    const items: (NumberLiteral | StringLiteral)[] = [];
    if (this.#peek().kind !== ']') {
      items.push(this.#parseListItem());
      while (this.#peek().kind === ',') {
        this.#advance();
        items.push(this.#parseListItem());
      }
    }
    const close = this.#expect(']', this.#closing(open));
    if (items.length === 0) this.#fail(spanning(open.span, close.span), 'an empty list never matches');
    return { kind: 'list', items, span: spanning(open.span, close.span) };
  }

  #parseListItem(): NumberLiteral | StringLiteral {
    const token = this.#peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.#advance();
      return this.#literal(token);
    }
    if (token.kind === '-' && this.#tokens[this.#position + 1]?.kind === 'number') {
      this.#advance();
      const number = this.#advance();
      return { kind: 'number', value: -Number(number.value), span: spanning(token.span, number.span) };
    }
    return this.#fail(token.span, `list items are numbers or strings, found ${describe(token)}`);
  }

  #literal(token: Token): NumberLiteral | StringLiteral {
    return token.kind === 'number'
      ? { kind: 'number', value: Number(token.value), span: token.span }
      : { kind: 'string', value: token.value, span: token.span };
  }

  #nested<T>(opener: Token, parse: () => T): T {
    if (++this.#depth > MAX_NESTING) this.#fail(opener.span, `nested more than ${MAX_NESTING} levels deep`);
    const result = parse();
    this.#depth--;
    return result;
  }

  /** `context` completes "expected ')' …", e.g. "to close '(' at 1:5". */
  #expect(kind: TokenKind, context: string): Token {
    const token = this.#peek();
    if (token.kind !== kind) {
      this.#fail(token.span, `expected '${kind}' ${context}, found ${describe(token)}`);
    }
    return this.#advance();
  }

  #closing(opener: Token): string {
    const { line, column } = positionOf(this.#source, opener.span.offset);
    return `to close '${opener.value}' at ${line}:${column}`;
  }

  #peek(): Token {
    // The parser never advances past the final 'end' token.
    return this.#tokens[this.#position] ?? this.#end;
  }

  #advance(): Token {
    const token = this.#peek();
    if (token.kind !== 'end') this.#position++;
    return token;
  }

  #fail(span: Span, message: string): never {
    throw new RuleError(this.#source, span, message);
  }
}

/** Words people reach for from other languages, with what this one spells instead. */
const WORD_HINTS: Readonly<Record<string, string>> = {
  and: "use '&&' instead of 'and'",
  or: "use '||' instead of 'or'",
  is: "use '==' instead of 'is'",
};
