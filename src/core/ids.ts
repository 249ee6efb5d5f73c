import { randomBytes } from 'node:crypto';

const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let offset = 0;

/**
 * Short random ids (`prefix_` + 24 hex chars) drawn from a pooled buffer: one `randomBytes` call per
 * ~340 ids instead of per id keeps id generation off the request path's profile.
 */
export function newId(prefix: string): string {
  if (offset + 12 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 12);
  offset += 12;
  return `${prefix}_${id}`;
}
