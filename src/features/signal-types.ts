/**
 * The contract between signals (features/) and the rule language (routing/rules/): what a signal is
 * called, what type its value has, and how a rule reads one request's values. Rules are type-checked
 * against `SignalCatalog` when the config loads and read values through `SignalValues` per request.
 */

export type SignalType = 'number' | 'string' | 'boolean' | 'string[]';

export type SignalValue = number | string | boolean | readonly string[];

export interface SignalDefinition {
  /** As written in rules: `prompt_tokens`, `metadata.team`. */
  readonly name: string;
  readonly type: SignalType;
  /** One line for docs and error messages. */
  readonly description: string;
}

/** What signals exist, for type-checking rules at load. */
export interface SignalCatalog {
  /**
   * The definition of `name`, including members of a family such as `metadata.<key>` (any key, type
   * string); undefined if no such signal exists.
   */
  lookup(name: string): SignalDefinition | undefined;
  /** Every fixed signal and one entry per family (`metadata.*`), for docs and "did you mean" hints. */
  list(): readonly SignalDefinition[];
}

/**
 * One request's signal values. Computed lazily and at most once each: a rule that never reads
 * `prompt_tokens` never pays for tokenization. `undefined` means the value is missing for this request
 * (an absent metadata key, a header not sent); the rule language defines what comparisons do with it.
 */
export interface SignalValues {
  get(name: string): SignalValue | undefined;
}
