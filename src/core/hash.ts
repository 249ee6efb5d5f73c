/**
 * FNV-1a over UTF-16 code units: a fast, stable, non-cryptographic hash for bucketing keys (split routes,
 * conversation ids) and seeding the simulator. `seed` continues a previous hash, so strings can be chained.
 */
export function fnv1a32(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
