/**
 * Conversation summaries for context fitting by summarising, kept in memory so a retry or a later turn of
 * the same conversation does not pay the summarising model again.
 *
 * A summary covers the first `messages` of what a conversation had summarised (its older history, system
 * messages excepted) and records a hash of exactly those messages. A later turn whose history opens with the
 * same messages reuses it, whole or as the base of an incremental update; an edited message changes every
 * hash from there on, so nothing covering it is reused. Entries hold the summary as a promise, so requests
 * arriving while it is being written share the one call; a summarisation that fails is removed, never
 * served.
 */

import { createHash } from 'node:crypto';
import type { ContentPart, Message } from '../../core/request.ts';

/** Coverages remembered per conversation: its latest turns, and a retry of an earlier one. */
const COVERAGES_PER_CONVERSATION = 4;

export interface CachedSummary {
  /** How many leading summarised messages the summary covers (at least one). */
  readonly messages: number;
  /** prefixHashes(summarised)[messages - 1]: the content it covers. */
  readonly hash: string;
  /** The summary text; pending while the summarising model writes it. */
  readonly summary: Promise<string>;
}

/**
 * Hashes of every prefix of `messages`: element k identifies messages[0…k]. Chained (each hash folds in the
 * previous one), so one pass gives all of them and any coverage can be checked in constant time.
 */
export function prefixHashes(messages: readonly Message[]): string[] {
  let previous = '';
  return messages.map((message) => {
    previous = createHash('sha256').update(previous).update(serialize(message)).digest('base64url');
    return previous;
  });
}

/** A canonical form of a message: independent of key order, so equal messages always hash alike. */
function serialize(message: Message): string {
  return JSON.stringify([
    message.role,
    message.name ?? null,
    message.toolCallId ?? null,
    message.isError ?? false,
    message.content.map(serializePart),
    (message.toolCalls ?? []).map((call) => [call.id, call.name, call.arguments]),
  ]);
}

function serializePart(part: ContentPart): unknown[] {
  if (part.type === 'text') return ['text', part.text];
  const { source } = part;
  const where = source.kind === 'url' ? [source.url] : [source.mediaType, source.data];
  return ['image', part.detail ?? null, source.kind, ...where];
}

/**
 * Bounded by conversations, least recently used evicted first; each conversation keeps its few newest
 * coverages.
 */
export class SummaryCache {
  readonly #capacity: number;
  /** Map order is recency: the first key is the least recently used conversation. */
  readonly #conversations = new Map<string, CachedSummary[]>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`summary cache capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /** Conversations held. */
  get size(): number {
    return this.#conversations.size;
  }

  /**
   * The summary covering the longest prefix of the messages `hashes` describes (from prefixHashes), settled
   * or in flight.
   */
  find(conversationId: string, hashes: readonly string[]): CachedSummary | undefined {
    const entries = this.#conversations.get(conversationId);
    if (entries === undefined) return undefined;
    this.#touch(conversationId, entries);
    let best: CachedSummary | undefined;
    for (const entry of entries) {
      const covered = entry.messages <= hashes.length && hashes[entry.messages - 1] === entry.hash;
      if (covered && entry.messages > (best?.messages ?? 0)) best = entry;
    }
    return best;
  }

  /**
   * Remembers a summary, usually still in flight, replacing any for the same coverage. It is forgotten if
   * it rejects; the rejection itself is left to whoever awaits it.
   */
  store(conversationId: string, entry: CachedSummary): void {
    const entries = (this.#conversations.get(conversationId) ?? []).filter(
      (other) => other.messages !== entry.messages || other.hash !== entry.hash,
    );
    entries.unshift(entry);
    entries.length = Math.min(entries.length, COVERAGES_PER_CONVERSATION);
    this.#touch(conversationId, entries);
    while (this.#conversations.size > this.#capacity) {
      const oldest = this.#conversations.keys().next();
      if (oldest.done === true) break;
      this.#conversations.delete(oldest.value);
    }
    entry.summary.then(undefined, () => this.#forget(conversationId, entry));
  }

  #forget(conversationId: string, entry: CachedSummary): void {
    const entries = this.#conversations.get(conversationId);
    if (entries === undefined) return;
    const kept = entries.filter((other) => other !== entry);
    if (kept.length === 0) this.#conversations.delete(conversationId);
    else this.#conversations.set(conversationId, kept);
  }

  #touch(conversationId: string, entries: CachedSummary[]): void {
    this.#conversations.delete(conversationId);
    this.#conversations.set(conversationId, entries);
  }
}
