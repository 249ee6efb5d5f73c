import type { StreamPart } from '../../core/response.ts';

/** Turns canonical stream parts into one client protocol's SSE text. */
export interface StreamEncoder {
  /** SSE text to write for this part ('' when the part has no counterpart in the protocol). */
  encode(part: StreamPart): string;
  /** SSE text that closes a successful stream (final usage, end marker). */
  end(): string;
}
