/** The one error a rule's source can be rejected with, positioned so a config loader can map it. */

import type { Span } from './ast.ts';

export class RuleError extends Error {
  override readonly name = 'RuleError';
  /** 1-based line within the rule's source. */
  readonly line: number;
  /** 1-based column within that line, in UTF-16 code units. */
  readonly column: number;
  /** How many characters the problem covers (0 at the end of the source); at least 1 for a caret. */
  readonly length: number;
  /** 0-based offset into the source, for loaders that map offsets rather than lines. */
  readonly offset: number;
  readonly source: string;

  constructor(source: string, span: Span, message: string) {
    super(message);
    this.source = source;
    this.offset = span.offset;
    this.length = span.length;
    const { line, column } = positionOf(source, span.offset);
    this.line = line;
    this.column = column;
  }

  /** `1:18: message`, the offending line, and a caret under the problem, for CLI output. */
  format(): string {
    const lineText = this.source.split('\n')[this.line - 1] ?? '';
    const width = Math.max(1, Math.min(this.length, lineText.length - this.column + 1));
    const caret = ' '.repeat(this.column - 1) + '^'.repeat(width);
    return `${this.line}:${this.column}: ${this.message}\n  ${lineText}\n  ${caret}`;
  }
}

/** 1-based line and column of a 0-based offset; lines end at '\n'. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (
    let index = source.indexOf('\n');
    index !== -1 && index < offset;
    index = source.indexOf('\n', index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
