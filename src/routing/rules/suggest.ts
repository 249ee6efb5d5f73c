/** "Did you mean" for unknown signal names. */

import type { SignalDefinition } from '../../features/signal-types.ts';

/** The closest catalog name to `name`, if one is close enough to be a likely typo. */
export function closestSignal(name: string, definitions: readonly SignalDefinition[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const definition of definitions) {
    const candidate = candidateFor(name, definition.name);
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * A family such as `metadata.*` is compared as if it held the key that was written, so `metdata.team`
 * suggests `metadata.team` rather than the pattern.
 */
function candidateFor(written: string, listed: string): string {
  const lastDot = listed.lastIndexOf('.');
  const lastSegment = listed.slice(lastDot + 1);
  const isFamily = lastDot !== -1 && (lastSegment === '*' || lastSegment.startsWith('<'));
  const writtenDot = written.indexOf('.');
  if (!isFamily || writtenDot === -1) return listed;
  return listed.slice(0, lastDot + 1) + written.slice(writtenDot + 1);
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
