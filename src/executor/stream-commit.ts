/**
 * The commit point of a stream: how much of an attempt's output is read before any of it may reach the
 * client. Until then a failure is invisible and another target can serve; after it, a failure can only
 * end the stream in-band (or resume elsewhere, resumed-stream.ts).
 *
 * - `first-token`: commit at the first content (text, a tool call, or a finish) — the lowest latency.
 * - `buffer`: hold everything until the answer is complete or `bufferChars` of output are held, so a
 *   cut, a stall or a malformed chunk in that span restarts on a fallback and the client sees one clean
 *   answer; the price is a time to first token as long as the held span.
 */

import { GatewayError } from '../core/errors.ts';
import type { ResolvedModel } from '../core/model.ts';
import type { StreamBatch, StreamPart } from '../core/response.ts';
import type { CommitSettings } from '../config/resolved.ts';

export interface CommitProgress {
  /** Output read so far (text and tool-call arguments): what a failed attempt was billed for. */
  output: string;
}

/**
 * Reads `upstream` until it commits and returns the parts read. An error before the commit releases
 * the upstream and is thrown; `progress` then holds the output that was read.
 */
export async function readUntilCommit(
  upstream: AsyncIterator<StreamBatch>,
  settings: Pick<CommitSettings, 'mode' | 'bufferChars'>,
  model: ResolvedModel,
  onFirstContent: () => void,
  progress: CommitProgress,
): Promise<StreamPart[]> {
  const buffering = settings.mode === 'buffer';
  const head: StreamPart[] = [];
  let sawContent = false;
  for (;;) {
    const next = await upstream.next();
    if (next.done === true) {
      throw new GatewayError('stream_truncated', 'the upstream stream ended before any output', {
        provider: model.provider,
        model: model.id,
      });
    }
    let committed = false;
    for (const part of next.value) {
      // Even after the commit point within this batch: none of it has reached the client yet.
      if (part.type === 'error') {
        await upstream.return?.();
        throw part.error;
      }
      head.push(part);
      if (part.type === 'text-delta') progress.output += part.text;
      else if (part.type === 'tool-call-delta') progress.output += part.argumentsDelta;
      const content = part.type === 'text-delta' || part.type === 'tool-call-start' || part.type === 'finish';
      if (content && !sawContent) {
        sawContent = true;
        onFirstContent();
      }
      // A batch is never split: the parts after the commit point in it travel with the head.
      if (buffering) committed ||= part.type === 'finish' || progress.output.length >= settings.bufferChars;
      else committed ||= content;
    }
    if (committed) return head;
  }
}
