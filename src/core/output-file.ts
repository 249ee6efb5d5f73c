/**
 * Files the CLI writes (artifacts, plots, schemas, outcomes): the parent directory is created first,
 * so `--out results/router.json` works on a fresh checkout as it does for `switchyard bench`.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function ensureParentDirectory(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
}

export async function writeOutputFile(path: string, content: string): Promise<void> {
  await ensureParentDirectory(path);
  await writeFile(path, content);
}
