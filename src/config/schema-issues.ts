/** Zod's validation issues, reworded for people editing YAML. */

import type { ZodError } from 'zod';
import { isPlainObject } from './interpolate.ts';
import type { ConfigPath, PendingIssue } from './issues.ts';

/** `tree` is the value that was validated; `prefix` is its path within the document. */
export function schemaIssues(error: ZodError, tree: unknown, prefix: ConfigPath = []): PendingIssue[] {
  return error.issues.flatMap((issue): PendingIssue[] => {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...prefix, ...path, key],
        message: `unknown key "${key}"`,
        atKey: true,
      }));
    }
    if (issue.code === 'invalid_type' && valueAt(tree, path) === undefined) {
      return [{ path: [...prefix, ...path], message: `required (${issue.expected})` }];
    }
    return [{ path: [...prefix, ...path], message: issue.message.replace(/^Invalid input: /, '') }];
  });
}

export function valueAt(tree: unknown, path: ConfigPath): unknown {
  let node = tree;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string' && Object.hasOwn(node, segment))
      node = node[segment];
    else return undefined;
  }
  return node;
}
