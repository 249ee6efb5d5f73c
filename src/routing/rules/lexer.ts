/** Splits a rule's source into tokens; every token keeps its span so errors can point at it. */

import type { Span } from './ast.ts';
import { RuleError } from './rule-error.ts';

export const KEYWORDS = ['true', 'false', 'in', 'not', 'matches', 'exists'] as const;
export type Keyword = (typeof KEYWORDS)[number];

export type Punctuator =
  '==' | '!=' | '<=' | '>=' | '<' | '>' | '&&' | '||' | '!' | '-' | '(' | ')' | '[' | ']' | ',';

export type TokenKind = 'number' | 'string' | 'name' | 'end' | Keyword | Punctuator;

export interface Token {
  readonly kind: TokenKind;
  readonly span: Span;
  /** The decoded text of a string, the digits of a number (separators removed), a name, or the token. */
  readonly value: string;
}

// Longest first, so `<=` wins over `<`.
const PUNCTUATORS: readonly Punctuator[] = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '-',
  '(',
  ')',
  '[',
  ']',
  ',',
];

/** Characters that are not operators but look like one, with the fix. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  '=': "'=' is not an operator; compare with '=='",
  '&': "'&' is not an operator; use '&&'",
  '|': "'|' is not an operator; use '||'",
  "'": 'strings are written in double quotes',
};

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);
const FIRST_SEGMENT = /[A-Za-z_][A-Za-z0-9_]*/y;
// After a dot, keys may start with a digit and contain '-' (`metadata.customer-tier`): the language
// has no subtraction, so a '-' inside a dotted name is never ambiguous.
const LATER_SEGMENT = /[A-Za-z0-9_-]+/y;
const NUMBER_RUN = /[0-9][A-Za-z0-9_.]*/y;
const VALID_NUMBER = /^[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?$/;
const WHITESPACE = /[ \t\r\n]+/y;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  const fail = (span: Span, message: string): never => {
    throw new RuleError(source, span, message);
  };

  while (true) {
    WHITESPACE.lastIndex = offset;
    if (WHITESPACE.test(source)) offset = WHITESPACE.lastIndex;
    if (offset >= source.length) break;
    const char = source.charAt(offset);

    if (char === '"') {
      const token = readString(source, offset, fail);
      tokens.push(token);
      offset += token.span.length;
      continue;
    }

    NUMBER_RUN.lastIndex = offset;
    if (NUMBER_RUN.test(source)) {
      const text = source.slice(offset, NUMBER_RUN.lastIndex);
      const span = { offset, length: text.length };
      if (!VALID_NUMBER.test(text)) fail(span, `invalid number '${text}'`);
      if (!Number.isFinite(Number(text.replaceAll('_', '')))) fail(span, `number '${text}' is too large`);
      tokens.push({ kind: 'number', span, value: text.replaceAll('_', '') });
      offset += text.length;
      continue;
    }

    FIRST_SEGMENT.lastIndex = offset;
    if (FIRST_SEGMENT.test(source)) {
      let end = FIRST_SEGMENT.lastIndex;
      while (source.charAt(end) === '.') {
        LATER_SEGMENT.lastIndex = end + 1;
        if (!LATER_SEGMENT.test(source)) fail({ offset: end, length: 1 }, "expected a name after '.'");
        end = LATER_SEGMENT.lastIndex;
      }
      const text = source.slice(offset, end);
      const kind = KEYWORD_SET.has(text) ? (text as Keyword) : 'name';
      tokens.push({ kind, span: { offset, length: text.length }, value: text });
      offset = end;
      continue;
    }

    const punctuator = PUNCTUATORS.find((candidate) => source.startsWith(candidate, offset));
    if (punctuator !== undefined) {
      tokens.push({ kind: punctuator, span: { offset, length: punctuator.length }, value: punctuator });
      offset += punctuator.length;
      continue;
    }

    const codePoint = String.fromCodePoint(source.codePointAt(offset) ?? 0);
    fail(
      { offset, length: codePoint.length },
      LOOKALIKES[char] ?? `unexpected character ${JSON.stringify(codePoint)}`,
    );
  }
  tokens.push({ kind: 'end', span: { offset: source.length, length: 0 }, value: '' });
  return tokens;
}

/** A double-quoted string: `\"` and `\\` are escapes; any other backslash is kept as written (regexes). */
function readString(source: string, start: number, fail: (span: Span, message: string) => never): Token {
  let value = '';
  let offset = start + 1;
  while (offset < source.length) {
    const char = source.charAt(offset);
    if (char === '"') return { kind: 'string', span: { offset: start, length: offset + 1 - start }, value };
    if (char === '\n') break;
    const next = source.charAt(offset + 1);
    if (char === '\\' && (next === '"' || next === '\\')) {
      value += next;
      offset += 2;
    } else {
      value += char;
      offset += 1;
    }
  }
  return fail({ offset: start, length: offset - start }, 'unterminated string (missing closing ")');
}
