/**
 * Fault injection. A fault list is `spec[,spec…]`, each spec `name[;key=value…]`; it comes from the
 * `x-sim-fault` request header or, when the header is absent, from the model profile's `faults`.
 * The first spec whose modifiers let it fire decides the request; the rest are not consulted.
 *
 * Modifiers on any spec: `times=N` fires for the first N matching requests only, counted per model and
 * fault name (or per `key=…` value when given); `for_ms=N` fires for N ms from the first matching request;
 * `p=0..1` fires with that probability (seeded).
 *
 * Stream faults after N tokens: `stream_cut` destroys the socket mid-body, `stream_stall` goes silent on
 * an open socket, `stream_truncate` ends the body cleanly (valid HTTP framing) with no finish chunk and no
 * end marker. On a non-streamed request they act on the JSON body: cut sends half of it and destroys the
 * socket, stall sends half and holds the socket, truncate sends a complete response whose body is half
 * the JSON, `malformed_chunk` sends invalid JSON, `missing_done` does nothing.
 */

import type { Random } from './random.ts';

export type Fault =
  | { readonly name: 'rate_limit'; readonly retryAfterSeconds: number }
  | { readonly name: 'rate_limit_no_retry_after' }
  | { readonly name: 'server_error' }
  | { readonly name: 'unavailable' }
  | { readonly name: 'reset' }
  | { readonly name: 'no_response' }
  | { readonly name: 'slow_first_token'; readonly delayMs: number }
  | { readonly name: 'stream_cut'; readonly afterTokens: number }
  | { readonly name: 'stream_stall'; readonly afterTokens: number }
  | { readonly name: 'stream_truncate'; readonly afterTokens: number }
  | { readonly name: 'malformed_chunk'; readonly atChunk: number }
  | { readonly name: 'missing_done' }
  | { readonly name: 'context_length_exceeded' }
  | { readonly name: 'content_policy' };

export type FaultName = Fault['name'];

export interface FaultRule {
  readonly fault: Fault;
  readonly times: number | undefined;
  readonly forMs: number | undefined;
  readonly key: string | undefined;
  readonly probability: number | undefined;
}

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** Each fault's own parameters and their defaults. */
const FAULT_PARAMETERS: Readonly<Record<FaultName, Readonly<Record<string, number>>>> = {
  rate_limit: { retry_after: 1 },
  rate_limit_no_retry_after: {},
  server_error: {},
  unavailable: {},
  reset: {},
  no_response: {},
  slow_first_token: { ms: 5_000 },
  stream_cut: { after: 5 },
  stream_stall: { after: 5 },
  stream_truncate: { after: 5 },
  malformed_chunk: { at: 3 },
  missing_done: {},
  context_length_exceeded: {},
  content_policy: {},
};

export const FAULT_NAMES: readonly FaultName[] = Object.keys(FAULT_PARAMETERS) as FaultName[];

function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_PARAMETERS, name);
}

function parseCount(spec: string, key: string, value: string, minimum: number): number {
  if (!/^\d+$/.test(value) || Number(value) < minimum) {
    throw new FaultSpecError(`Fault '${spec}': '${key}' must be an integer >= ${minimum}, got '${value}'.`);
  }
  return Number(value);
}

function buildFault(name: FaultName, values: Readonly<Record<string, number>>): Fault {
  const value = (key: string): number => values[key] ?? FAULT_PARAMETERS[name][key] ?? 0;
  switch (name) {
    case 'rate_limit':
      return { name, retryAfterSeconds: value('retry_after') };
    case 'slow_first_token':
      return { name, delayMs: value('ms') };
    case 'stream_cut':
    case 'stream_stall':
    case 'stream_truncate':
      return { name, afterTokens: value('after') };
    case 'malformed_chunk':
      return { name, atChunk: value('at') };
    default:
      return { name };
  }
}

export function parseFaultSpec(spec: string): FaultRule {
  const [rawName = '', ...pairs] = spec.split(';').map((part) => part.trim());
  if (!isFaultName(rawName)) {
    throw new FaultSpecError(`Unknown fault '${rawName}'. Known faults: ${FAULT_NAMES.join(', ')}.`);
  }
  const values: Record<string, number> = {};
  let times: number | undefined;
  let forMs: number | undefined;
  let key: string | undefined;
  let probability: number | undefined;
  for (const pair of pairs) {
    if (pair.length === 0) continue;
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new FaultSpecError(`Fault '${spec}': expected key=value, got '${pair}'.`);
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (name === 'times') times = parseCount(spec, name, value, 1);
    else if (name === 'for_ms') forMs = parseCount(spec, name, value, 1);
    else if (name === 'key') {
      if (value.length === 0) throw new FaultSpecError(`Fault '${spec}': 'key' must not be empty.`);
      key = value;
    } else if (name === 'p') {
      probability = Number(value);
      if (value.length === 0 || !(probability >= 0 && probability <= 1)) {
        throw new FaultSpecError(`Fault '${spec}': 'p' must be a number from 0 to 1, got '${value}'.`);
      }
    } else if (Object.hasOwn(FAULT_PARAMETERS[rawName], name)) {
      values[name] = parseCount(spec, name, value, rawName === 'malformed_chunk' ? 1 : 0);
    } else {
      const allowed = [...Object.keys(FAULT_PARAMETERS[rawName]), 'times', 'for_ms', 'key', 'p'];
      throw new FaultSpecError(
        `Fault '${rawName}' has no parameter '${name}'. Allowed: ${allowed.join(', ')}.`,
      );
    }
  }
  return { fault: buildFault(rawName, values), times, forMs, key, probability };
}

/** Parse a comma-separated fault list; throws FaultSpecError naming the first problem. */
export function parseFaultList(text: string): FaultRule[] {
  return text
    .split(',')
    .map((spec) => spec.trim())
    .filter((spec) => spec.length > 0)
    .map(parseFaultSpec);
}

interface RuleCounter {
  count: number;
  readonly firstAt: number;
}

/** Remembers how often each rule has fired, for `times` and `for_ms`. One per simulator. */
export class FaultState {
  readonly #counters = new Map<string, RuleCounter>();
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  /** The fault for this request, or undefined for a healthy answer. */
  select(rules: readonly FaultRule[], model: string, nowMs: number): Fault | undefined {
    for (const rule of rules) {
      if (this.#fires(rule, model, nowMs)) return rule.fault;
    }
    return undefined;
  }

  #fires(rule: FaultRule, model: string, nowMs: number): boolean {
    if (rule.times !== undefined || rule.forMs !== undefined) {
      const counterKey = rule.key === undefined ? `${model}\u0000${rule.fault.name}` : `key\u0000${rule.key}`;
      let counter = this.#counters.get(counterKey);
      if (counter === undefined) {
        counter = { count: 0, firstAt: nowMs };
        this.#counters.set(counterKey, counter);
      }
      counter.count += 1;
      if (rule.times !== undefined && counter.count > rule.times) return false;
      if (rule.forMs !== undefined && nowMs - counter.firstAt >= rule.forMs) return false;
    }
    return rule.probability === undefined || this.#random() < rule.probability;
  }

  reset(): void {
    this.#counters.clear();
  }
}
