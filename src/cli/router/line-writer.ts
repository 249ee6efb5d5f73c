/** Lines to a file (streamed, honouring back-pressure) or, without a path, to the command's stdout. */

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ensureParentDirectory } from '../../core/output-file.ts';
import { describeReadFailure, InputError } from '../../learning/router/input-error.ts';
import type { CommandIo } from '../validate.ts';

export interface LineWriter {
  readonly write: (line: string) => Promise<void>;
  readonly close: () => Promise<void>;
}

export async function openLineWriter(path: string | undefined, io: CommandIo): Promise<LineWriter> {
  if (path === undefined) {
    return { write: async (line) => io.stdout(`${line}\n`), close: async () => {} };
  }
  try {
    await ensureParentDirectory(path);
  } catch (error) {
    throw new InputError(path, `cannot write: ${describeReadFailure(error)}`);
  }
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let failure: unknown;
  stream.on('error', (error) => {
    failure = error;
  });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new InputError(path, `cannot write: ${describeReadFailure(error)}`);
  }
  return {
    write: async (line) => {
      if (failure !== undefined) throw new InputError(path, `cannot write: ${describeReadFailure(failure)}`);
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    },
    close: async () => {
      stream.end();
      await once(stream, 'finish');
      if (failure !== undefined) throw new InputError(path, `cannot write: ${describeReadFailure(failure)}`);
    },
  };
}
