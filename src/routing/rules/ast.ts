/**
 * The syntax tree of a routing rule. Parentheses leave no node of their own: the tree's shape carries
 * the grouping, and `print.ts` puts back the parentheses a given shape needs.
 */

/** Where a node or token sits in the rule's source: 0-based offset and length, in UTF-16 code units. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

export type OrderingOperator = '<' | '<=' | '>' | '>=';
export type EqualityOperator = '==' | '!=';
/** Everything at the comparison level: these operators take two operands and never chain. */
export type ComparisonOperator = EqualityOperator | OrderingOperator | 'in' | 'not in' | 'matches';
export type LogicalOperator = '&&' | '||';

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}

/** `["a", "b"]` or `[1, -2]`: literals only, so a list is a constant known at load. */
export interface ListLiteral {
  readonly kind: 'list';
  readonly items: readonly (NumberLiteral | StringLiteral)[];
  readonly span: Span;
}

export interface SignalReference {
  readonly kind: 'signal';
  readonly name: string;
  readonly span: Span;
}

/** `exists(metadata.team)`: true when the signal has a value for this request. */
export interface ExistsTest {
  readonly kind: 'exists';
  readonly signal: SignalReference;
  readonly span: Span;
}

/** Unary minus on a number-valued operand; `-3` written directly is folded into a literal. */
export interface Negation {
  readonly kind: 'negate';
  readonly operand: RuleNode;
  readonly span: Span;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: RuleNode;
  readonly span: Span;
}

export interface Logical {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly left: RuleNode;
  readonly right: RuleNode;
  readonly span: Span;
}

export interface Comparison {
  readonly kind: 'compare';
  readonly operator: ComparisonOperator;
  readonly left: RuleNode;
  readonly right: RuleNode;
  readonly span: Span;
  /** The operator token(s) alone, for errors about the operator itself. */
  readonly operatorSpan: Span;
}

export type Literal = NumberLiteral | StringLiteral | BooleanLiteral | ListLiteral;

export type RuleNode = Literal | SignalReference | ExistsTest | Negation | Not | Logical | Comparison;
