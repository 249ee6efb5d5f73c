/**
 * The signal registry: which signals exist (the `SignalCatalog` rules are checked against at config
 * load) and how each is computed from one request (the `SignalValues` rules read per request). Signals
 * are registered once at startup; later features (classifiers) add theirs with `register` and the rule
 * engine never changes.
 *
 * Per request, values are computed on first read and remembered, so a rule that reads only
 * `convo_length` never tokenizes. A compute that throws, or returns a value of the wrong type, does not
 * fail the request: the signal reads as missing (`undefined`) and the failure is kept in `failures()` for
 * the explain record. Routing on a missing value is the rule language's defined behaviour, whereas a
 * request failing because, say, a classifier hiccupped would be an outage the client cannot fix.
 */

import type { TokenizerFamily } from '../../core/model.ts';
import type { ChatRequest } from '../../core/request.ts';
import type {
  SignalCatalog,
  SignalDefinition,
  SignalType,
  SignalValue,
  SignalValues,
} from '../signal-types.ts';

/** Request headers as Node delivers them: lower-case names. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Everything a signal may read about one request. */
export interface SignalContext {
  readonly request: ChatRequest;
  readonly headers: RequestHeaders;
  /** The family `prompt_tokens` counts with; `o200k` when not given. */
  readonly tokenizerFamily?: TokenizerFamily;
  /** The tenant or API-key name the server resolved for this client, when it resolved one. */
  readonly tenant?: string;
}

/** The TypeScript type of a value of each signal type. */
export interface SignalValueOf {
  number: number;
  string: string;
  boolean: boolean;
  'string[]': readonly string[];
}

export type SignalCompute<T extends SignalType = SignalType> = (
  context: SignalContext,
) => SignalValueOf[T] | undefined;

/** A family of signals named `<prefix>.<key>` for any key, such as `metadata.team`. */
export interface SignalFamilyDefinition<T extends SignalType = SignalType> {
  readonly prefix: string;
  readonly type: T;
  /** One line, shared by every member. */
  readonly description: string;
}

export type SignalFamilyCompute<T extends SignalType = SignalType> = (
  context: SignalContext,
  key: string,
) => SignalValueOf[T] | undefined;

/** A signal whose compute threw or returned the wrong type; it read as missing. */
export interface SignalFailure {
  readonly signal: string;
  readonly message: string;
  readonly cause: unknown;
}

interface FixedSignal {
  readonly definition: SignalDefinition;
  readonly compute: SignalCompute;
}

interface SignalFamily {
  readonly listing: SignalDefinition;
  readonly definition: SignalFamilyDefinition;
  readonly compute: SignalFamilyCompute;
}

const SIGNAL_NAME = /^[a-z][a-z0-9_]*$/;
const FAMILY_SEPARATOR = '.';

export class SignalRegistry implements SignalCatalog {
  readonly #fixed = new Map<string, FixedSignal>();
  readonly #families = new Map<string, SignalFamily>();
  readonly #preparers: ((context: SignalContext) => Promise<void>)[] = [];

  /**
   * Work a signal needs done before rules read it synchronously — a network call such as an embedding.
   * The preparer stores its result where its compute finds it; a preparer that throws is logged by its
   * signal reading as missing (its compute reports why).
   */
  addPreparer(prepare: (context: SignalContext) => Promise<void>): this {
    this.#preparers.push(prepare);
    return this;
  }

  /** Runs the preparers for one request; undefined when there are none, so most requests never await. */
  prepare(context: SignalContext): Promise<void> | undefined {
    if (this.#preparers.length === 0) return undefined;
    return Promise.all(this.#preparers.map((prepare) => prepare(context).catch(() => undefined))).then(
      () => undefined,
    );
  }

  /** Add a fixed signal. Throws on a malformed or duplicate name: registration is startup code. */
  register<T extends SignalType>(
    definition: SignalDefinition & { readonly type: T },
    compute: SignalCompute<T>,
  ): this {
    this.#assertNewName(definition.name);
    this.#fixed.set(definition.name, { definition: { ...definition }, compute });
    return this;
  }

  /** Add a family: every `<prefix>.<key>` with a non-empty key is a signal of the family's type. */
  registerFamily<T extends SignalType>(
    definition: SignalFamilyDefinition<T>,
    compute: SignalFamilyCompute<T>,
  ): this {
    this.#assertNewName(definition.prefix);
    const listing = {
      name: `${definition.prefix}${FAMILY_SEPARATOR}*`,
      type: definition.type,
      description: definition.description,
    };
    this.#families.set(definition.prefix, { listing, definition: { ...definition }, compute });
    return this;
  }

  lookup(name: string): SignalDefinition | undefined {
    const fixed = this.#fixed.get(name);
    if (fixed !== undefined) return fixed.definition;
    const member = this.#familyMember(name);
    if (member === undefined) return undefined;
    const { family } = member;
    return { name, type: family.definition.type, description: family.definition.description };
  }

  list(): readonly SignalDefinition[] {
    const fixed = [...this.#fixed.values()].map((signal) => signal.definition);
    const families = [...this.#families.values()].map((family) => family.listing);
    return [...fixed, ...families];
  }

  /** The values of one request; nothing is computed until a value is read. */
  valuesFor(context: SignalContext): RequestSignals {
    return new RequestSignals(this.#resolve, context);
  }

  // Bound once so that handing it to each request's values allocates nothing.
  readonly #resolve: SignalResolver = (name, context) => {
    const fixed = this.#fixed.get(name);
    if (fixed !== undefined) return checked(fixed.definition.type, fixed.compute(context));
    const member = this.#familyMember(name);
    if (member === undefined) return undefined;
    return checked(member.family.definition.type, member.family.compute(context, member.key));
  };

  #familyMember(name: string): { family: SignalFamily; key: string } | undefined {
    const separator = name.indexOf(FAMILY_SEPARATOR);
    if (separator <= 0 || separator === name.length - 1) return undefined;
    const family = this.#families.get(name.slice(0, separator));
    return family === undefined ? undefined : { family, key: name.slice(separator + 1) };
  }

  #assertNewName(name: string): void {
    if (!SIGNAL_NAME.test(name)) {
      throw new Error(`Signal name '${name}' must be snake_case: a lower-case letter, then [a-z0-9_].`);
    }
    if (this.#fixed.has(name) || this.#families.has(name)) {
      throw new Error(`Signal '${name}' is already registered.`);
    }
  }
}

/** Computes one value, uncached; unknown names are missing. */
export type SignalResolver = (name: string, context: SignalContext) => SignalValue | undefined;

/** One request's signal values: computed on first read, at most once each. */
export class RequestSignals implements SignalValues {
  readonly #resolve: SignalResolver;
  readonly #context: SignalContext;
  // Created on first read, so a request whose rules read nothing allocates nothing more.
  #memo: Map<string, SignalValue | undefined> | undefined;
  #failures: SignalFailure[] | undefined;

  constructor(resolve: SignalResolver, context: SignalContext) {
    this.#resolve = resolve;
    this.#context = context;
  }

  get(name: string): SignalValue | undefined {
    this.#memo ??= new Map();
    if (this.#memo.has(name)) return this.#memo.get(name);
    let value: SignalValue | undefined;
    try {
      value = this.#resolve(name, this.#context);
    } catch (error: unknown) {
      value = undefined;
      const message = error instanceof Error ? error.message : String(error);
      (this.#failures ??= []).push({ signal: name, message, cause: error });
    }
    this.#memo.set(name, value);
    return value;
  }

  /** The signals read so far and their values (`undefined` = missing), for the explain record. */
  readValues(): ReadonlyMap<string, SignalValue | undefined> {
    return this.#memo ?? EMPTY_VALUES;
  }

  /** Signals whose compute failed; each read as missing. */
  failures(): readonly SignalFailure[] {
    return this.#failures ?? NO_FAILURES;
  }
}

const EMPTY_VALUES: ReadonlyMap<string, SignalValue | undefined> = new Map();
const NO_FAILURES: readonly SignalFailure[] = [];

/** Guard the declared type at runtime: rules were type-checked against it, so a mismatch is a bug. */
function checked(type: SignalType, value: SignalValue | undefined): SignalValue | undefined {
  if (value === undefined || hasType(type, value)) return value;
  throw new TypeError(`returned ${describe(value)} where a ${type} was declared`);
}

function hasType(type: SignalType, value: SignalValue): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'string':
    case 'boolean':
      return typeof value === type;
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

function describe(value: SignalValue): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'number' && Number.isNaN(value) ? 'NaN' : `a ${typeof value}`;
}
