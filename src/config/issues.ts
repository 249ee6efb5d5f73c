/** Config problems, collected all at once and printed for humans with the path of the bad field. */

/** A path into the config document: map keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  /** Where in the document, e.g. `routes[1].targets[0]` or `models["gpt-4.1"].pricing`. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the source file, when it can be found. */
  readonly line?: number;
  readonly column?: number;
}

/** An issue still holding its structured path, before positions are looked up. */
export interface PendingIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key itself rather than its value (for unknown keys). */
  readonly atKey?: boolean;
  /** Point this many characters into a single-line string value (an error inside a rule). */
  readonly valueOffset?: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  /** The file the issues refer to, for messages (`built-in default config` for the bundled one). */
  readonly source: string;

  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(formatIssues(source, issues));
    this.source = source;
    this.issues = issues;
  }

  /** Every issue, one per line, under a one-line heading. */
  format(): string {
    return this.message;
  }
}

export function formatIssues(source: string, issues: readonly ConfigIssue[]): string {
  const heading = `Invalid configuration in ${source} (${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}):`;
  const lines = issues.map((issue) => {
    const where = issue.line === undefined ? '' : `  (${source}:${issue.line}:${issue.column ?? 1})`;
    const path = issue.path === '' ? '(document)' : issue.path;
    return `  ${path}: ${issue.message}${where}`;
  });
  return [heading, ...lines].join('\n');
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['routes', 1, 'targets', 0]` → `routes[1].targets[0]`; keys with dots or slashes are quoted. */
export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `known: a, b, c` for "did you mean" style messages; long lists are cut short. */
export function knownList(names: Iterable<string>): string {
  const all = [...names];
  if (all.length === 0) return 'none defined';
  const shown = all.slice(0, 12).map((name) => JSON.stringify(name));
  return `known: ${shown.join(', ')}${all.length > shown.length ? `, … ${all.length - shown.length} more` : ''}`;
}
