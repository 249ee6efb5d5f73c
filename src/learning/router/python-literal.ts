/**
 * Reads a Python list of string literals, such as `['text']` or `["it's"]`, the way RouterBench stores
 * prompts and responses (`str(list)` in pandas). Quotes may be single, double or tripled, with `r`, `u`
 * or `b` prefixes; escapes follow Python's rules (`\n`, `\xhh`, `\uXXXX`, `\UXXXXXXXX`, octal, a
 * backslash-newline continuation; unknown escapes keep their backslash). Adjacent literals concatenate.
 */

export class PythonLiteralError extends Error {
  override readonly name = 'PythonLiteralError';
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

export function parsePythonStringList(source: string): string[] {
  const reader = { text: source, position: 0 };
  skipSpace(reader);
  expect(reader, '[');
  const items: string[] = [];
  skipSpace(reader);
  while (peek(reader) !== ']') {
    let item = readString(reader);
    skipSpace(reader);
    // 'a' 'b' is one string in Python.
    while (peek(reader) !== ',' && peek(reader) !== ']' && peek(reader) !== '') {
      item += readString(reader);
      skipSpace(reader);
    }
    items.push(item);
    if (peek(reader) === ',') {
      reader.position++;
      skipSpace(reader);
    } else if (peek(reader) !== ']') fail(reader, "expected ',' or ']'");
  }
  reader.position++;
  skipSpace(reader);
  if (reader.position < source.length) fail(reader, 'unexpected text after the list');
  return items;
}

interface Reader {
  readonly text: string;
  position: number;
}

function peek(reader: Reader): string {
  return reader.text[reader.position] ?? '';
}

function skipSpace(reader: Reader): void {
  while (/\s/.test(peek(reader))) reader.position++;
}

function expect(reader: Reader, character: string): void {
  if (peek(reader) !== character) fail(reader, `expected '${character}'`);
  reader.position++;
}

function fail(reader: Reader, problem: string): never {
  const found =
    peek(reader) === ''
      ? 'the end'
      : JSON.stringify(reader.text.slice(reader.position, reader.position + 12));
  throw new PythonLiteralError(`${problem} at character ${reader.position + 1}, found ${found}`);
}

function readString(reader: Reader): string {
  let raw = false;
  while (/[rRuUbB]/.test(peek(reader))) {
    if (peek(reader) === 'r' || peek(reader) === 'R') raw = true;
    reader.position++;
  }
  const quote = peek(reader);
  if (quote !== "'" && quote !== '"') fail(reader, 'expected a string literal');
  const triple = reader.text.startsWith(quote.repeat(3), reader.position);
  const delimiter = triple ? quote.repeat(3) : quote;
  reader.position += delimiter.length;

  let value = '';
  for (;;) {
    const character = peek(reader);
    if (character === '') fail(reader, 'unterminated string');
    if (reader.text.startsWith(delimiter, reader.position)) {
      reader.position += delimiter.length;
      return value;
    }
    if (character === '\n' && !triple) fail(reader, 'line break inside a single-quoted string');
    if (character !== '\\') {
      value += character;
      reader.position++;
      continue;
    }
    const next = reader.text[reader.position + 1] ?? '';
    if (raw) {
      // A raw string keeps the backslash; it only stops the quote from ending the string.
      value += `\\${next}`;
      reader.position += 2;
      continue;
    }
    value += readEscape(reader, next);
  }
}

/** Reads the escape at `reader.position` (the backslash) and returns what it stands for. */
function readEscape(reader: Reader, next: string): string {
  const simple = SIMPLE_ESCAPES[next];
  if (simple !== undefined) {
    reader.position += 2;
    return simple;
  }
  if (next === '\n') {
    reader.position += 2;
    return '';
  }
  if (next === '\r') {
    reader.position += reader.text[reader.position + 2] === '\n' ? 3 : 2;
    return '';
  }
  if (next === 'x' || next === 'u' || next === 'U') {
    const digits = next === 'x' ? 2 : next === 'u' ? 4 : 8;
    const hex = reader.text.slice(reader.position + 2, reader.position + 2 + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) fail(reader, `bad \\${next} escape`);
    const codePoint = Number.parseInt(hex, 16);
    if (codePoint > 0x10ffff) fail(reader, `\\${next} escape beyond Unicode`);
    reader.position += 2 + digits;
    return String.fromCodePoint(codePoint);
  }
  const octal = /^[0-7]{1,3}/.exec(reader.text.slice(reader.position + 1, reader.position + 4));
  if (octal !== null) {
    reader.position += 1 + octal[0].length;
    return String.fromCodePoint(Number.parseInt(octal[0], 8));
  }
  if (next === 'N') fail(reader, 'named \\N{…} escapes are not supported');
  // Python keeps an unknown escape as written.
  reader.position += 1;
  return '\\';
}
