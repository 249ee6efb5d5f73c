/**
 * Environment interpolation over the parsed YAML's string values (never keys):
 *   `${VAR}`          the variable's value; unset is an error naming the path
 *   `${VAR:-default}` the default when VAR is unset or empty (as in POSIX shells)
 *   `$${…}`           a literal `${…}`
 * Values under an exempt path (an inactive provider, see requires_env) are left as written.
 */

import type { ConfigPath, PendingIssue } from './issues.ts';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface InterpolationResult {
  readonly value: unknown;
  readonly issues: readonly PendingIssue[];
}

const PLACEHOLDER = /(\$?)\$\{([^}]*)\}/g;
const VARIABLE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function interpolateEnv(
  tree: unknown,
  environment: Environment,
  isExempt: (path: ConfigPath) => boolean = () => false,
): InterpolationResult {
  const issues: PendingIssue[] = [];
  const visit = (value: unknown, path: ConfigPath): unknown => {
    if (isExempt(path)) return value;
    if (typeof value === 'string') return interpolateString(value, path, environment, issues);
    if (Array.isArray(value)) return value.map((item: unknown, index) => visit(item, [...path, index]));
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]),
      );
    }
    return value;
  };
  return { value: visit(tree, []), issues };
}

function interpolateString(
  text: string,
  path: ConfigPath,
  environment: Environment,
  issues: PendingIssue[],
): string {
  return text.replace(PLACEHOLDER, (whole, escape: string, inner: string) => {
    if (escape === '$') return whole.slice(1);
    const match = VARIABLE.exec(inner);
    if (match === null) {
      issues.push({
        path,
        message: `invalid placeholder "${whole}" (expected \${NAME} or \${NAME:-default})`,
      });
      return whole;
    }
    const name = match[1] ?? '';
    const fallback = match[2];
    const value = environment[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      issues.push({
        path,
        message: `environment variable ${name} is not set (write \${${name}:-default} to allow that)`,
      });
      return whole;
    }
    return value;
  });
}

/** Environment variables in `names` that are unset or empty. */
export function missingVariables(names: readonly string[], environment: Environment): string[] {
  return names.filter((name) => {
    const value = environment[name];
    return value === undefined || value === '';
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
