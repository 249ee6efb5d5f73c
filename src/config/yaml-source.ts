/**
 * Parsing the YAML text, keeping the document's node positions so an issue found later (by the schema or
 * a cross-reference check) can be printed with the line and column of the field at fault.
 */

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { formatPath, type ConfigIssue, type PendingIssue } from './issues.ts';

export interface ParsedSource {
  /** The plain value tree (objects, arrays, scalars); undefined when the YAML did not parse. */
  readonly tree: unknown;
  /** Syntax errors, with positions. */
  readonly issues: readonly ConfigIssue[];
  /** Attach line/column to issues found after parsing. */
  readonly locate: (issue: PendingIssue) => ConfigIssue;
}

export function parseYamlSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  // `merge` allows `<<: *anchor`, handy for sharing capability blocks between models.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const locate = (issue: PendingIssue): ConfigIssue => {
    let offset = findOffset(document, issue.path, issue.atKey === true);
    if (offset !== undefined && issue.valueOffset !== undefined) {
      offset += scalarTextOffset(document.getIn(issue.path, true), issue.valueOffset);
    }
    const base = { path: formatPath(issue.path), message: issue.message };
    return offset === undefined ? base : { ...base, ...position(offset) };
  };
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => ({
      path: '',
      message: `YAML syntax: ${error.message}`,
      ...position(error.pos[0]),
    }));
    return { tree: undefined, issues, locate };
  }
  return { tree: document.toJS({ maxAliasCount: 1000 }) as unknown, issues: [], locate };
}

/**
 * Offset of the node at `path`, or of its deepest ancestor that exists (a missing key is reported at the
 * map that lacks it). With `atKey`, the last segment's key is pointed at instead of its value.
 */
function findOffset(
  document: Document,
  path: readonly (string | number)[],
  atKey: boolean,
): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const [index, segment] of path.entries()) {
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
      );
      if (pair === undefined) return offset;
      if (isLast && atKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return offset;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

/**
 * How far into the source a position inside a string value lies: past the opening quote, on the same
 * line. Block scalars and strings spanning lines are pointed at their start.
 */
function scalarTextOffset(node: unknown, valueOffset: number): number {
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.includes('\n')) return 0;
  switch (node.type) {
    case 'PLAIN':
      return valueOffset;
    case 'QUOTE_DOUBLE':
    case 'QUOTE_SINGLE':
      return valueOffset + 1;
    default:
      return 0;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}
