import { randomBytes } from 'node:crypto';

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

function randomHex(bytes: number): string {
  if (offset + bytes > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/**
 * Short random ids (`prefix_` + 24 hex chars) drawn from a pooled buffer: one `randomBytes` call per
 * ~340 ids instead of per id keeps id generation off the request path's profile.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomHex(12)}`;
}

// The last millisecond an id was made in, and its hex digits.
let lastMs = -1;
let lastMsHex = '';

/**
 * Ids that sort by creation time (`prefix_` + 12 hex chars of Unix milliseconds + 12 random hex chars),
 * in the manner of ULID and UUIDv7. The request log keys its rows by request id: random keys scatter
 * every insert across the whole index (SQLite's per-row insert cost tripled between 10k and 160k rows),
 * while time-ordered keys append at its end and cost the same at any size (docs/benchmarks.md).
 * 48 random bits per millisecond keep ids from several replicas apart.
 */
export function newTimeOrderedId(prefix: string): string {
  const now = Date.now();
  // Formatting a timestamp in hex is a floating-point loop; a busy gateway reuses it within a millisecond.
  if (now !== lastMs) {
    lastMs = now;
    lastMsHex = now.toString(16).padStart(12, '0');
  }
  return `${prefix}_${lastMsHex}${randomHex(6)}`;
}
