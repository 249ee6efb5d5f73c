/**
 * A problem with an input file (outcomes JSONL, RouterBench CSV, router artifact): the CLI prints it
 * without a stack trace and exits 2. The message names the file, and where known the line and field, so
 * a bad row among tens of thousands can be found.
 */

export class InputError extends Error {
  override readonly name = 'InputError';
  readonly file: string;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(file: string, problem: string, location: { line?: number; field?: string } = {}) {
    const where = location.line === undefined ? file : `${file}:${location.line}`;
    const field = location.field === undefined || location.field === '' ? '' : `${location.field}: `;
    super(`${where}: ${field}${problem}`);
    this.file = file;
    this.line = location.line;
    this.field = location.field;
  }
}

/** The reason a file could not be opened, worded for a person rather than as an errno. */
export function describeReadFailure(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'file not found';
    if (error.code === 'EISDIR') return 'is a directory, not a file';
    if (error.code === 'EACCES') return 'permission denied';
  }
  return error instanceof Error ? error.message : String(error);
}
