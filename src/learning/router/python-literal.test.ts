import { describe, expect, it } from 'vitest';
import { parsePythonStringList, PythonLiteralError } from './python-literal.ts';

describe('parsePythonStringList', () => {
  it('reads single- and double-quoted items with the quote of the other kind inside', () => {
    expect(parsePythonStringList(`['it"s', "Dennis's menudo"]`)).toEqual(['it"s', "Dennis's menudo"]);
  });

  it('decodes escapes as Python does', () => {
    expect(parsePythonStringList(String.raw`['a\nb\tc\\d\'e\x41\u00e9\U0001F600\101']`)).toEqual([
      "a\nb\tc\\d'eAé😀A",
    ]);
  });

  it('keeps an unknown escape with its backslash, and joins a backslash-newline', () => {
    expect(parsePythonStringList("['\\d+\\\nx']")).toEqual(['\\d+x']);
  });

  it('reads raw, prefixed and triple-quoted literals, and concatenates adjacent ones', () => {
    expect(
      parsePythonStringList(String.raw`[r'\n', u'x' "y", '''a'b
c''']`),
    ).toEqual(['\\n', 'xy', "a'b\nc"]);
  });

  it('accepts an empty list and a trailing comma', () => {
    expect(parsePythonStringList('[]')).toEqual([]);
    expect(parsePythonStringList("[ 'a' , ]")).toEqual(['a']);
  });

  it('rejects what is not a list of strings, saying where', () => {
    expect(() => parsePythonStringList("['a'")).toThrow(PythonLiteralError);
    expect(() => parsePythonStringList("['a', 1]")).toThrow(/expected a string literal at character 7/);
    expect(() => parsePythonStringList("['a'] x")).toThrow(/unexpected text after the list/);
    expect(() => parsePythonStringList(String.raw`['\x4']`)).toThrow(/bad \\x escape/);
  });
});
