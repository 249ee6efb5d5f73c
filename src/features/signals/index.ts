/**
 * Signals: named, typed facts about one request that routing rules test (`prompt_tokens > 100000`).
 * `createSignalRegistry()` gives the registry with the built-in signals below; later features add theirs
 * with `register` / `registerFamily` at startup. Per request, `registry.valuesFor(context)` computes each
 * value on first read, at most once; a failing compute reads as missing and is listed in `failures()`.
 *
 * Built-in signals (missing = `undefined`; the rule language defines comparisons with it):
 *   prompt_tokens      number   prompt tokens in the context's tokenizer family (o200k default); texts
 *                               beyond the counter's exact limit are estimated
 *   max_output_tokens  number   the client's output-token limit; missing when not given
 *   convo_length       number   user turns: runs of consecutive user messages (tool results are not turns)
 *   message_count      number   all messages, system and tool included
 *   char_count         number   UTF-16 characters of all text parts
 *   last_user_chars    number   text characters of the last user turn; missing with no user message
 *   has_tools          boolean  at least one tool offered
 *   tool_count         number   tools offered
 *   has_images         boolean  an image in any message
 *   json_mode          boolean  response format json_object or json_schema
 *   stream             boolean  streamed response asked for
 *   model              string   what the client asked for: `auto`, a route or a model id
 *   user               string   the canonical end-user id
 *   priority           string   low | normal | high from x-switchyard-priority, else metadata.priority,
 *                               else normal; an unknown value is missing (and a recorded failure)
 *   tenant             string   the tenant the gateway resolved, else x-switchyard-tenant (trusted proxy)
 *   metadata.<key>     string   x-switchyard-meta-<key> header, else body metadata; keys case-insensitive
 *   complexity         string   trivial | bounded | extended, from cheap text features (features/complexity.ts)
 *   complexity_score   number   the weighted score the tier is cut from
 *   intent             string   the last user turn's intent from the configured classifier; `oos` for none
 *   intent_confidence  number   the classifier's confidence in it
 */

import { SignalRegistry } from './registry.ts';
import { registerRequestSignals } from './request-signals.ts';
import { registerTextSignals, type TextSignalSettings } from './text-signals.ts';

export {
  RequestSignals,
  SignalRegistry,
  type RequestHeaders,
  type SignalCompute,
  type SignalContext,
  type SignalFailure,
  type SignalFamilyCompute,
  type SignalFamilyDefinition,
  type SignalResolver,
  type SignalValueOf,
} from './registry.ts';
export {
  DEFAULT_PRIORITY,
  METADATA_HEADER_PREFIX,
  PRIORITIES,
  PRIORITY_HEADER,
  TENANT_HEADER,
  headerValue,
  registerRequestSignals,
  type Priority,
} from './request-signals.ts';

export { OUT_OF_SCOPE_INTENT, type IntentClassifier, type TextSignalSettings } from './text-signals.ts';

/**
 * A registry holding the built-in signals. The settings tune the text signals at runtime; the catalog
 * (names and types, for checking rules at load) is the same with or without them.
 */
export function createSignalRegistry(settings: TextSignalSettings = {}): SignalRegistry {
  return registerTextSignals(registerRequestSignals(new SignalRegistry()), settings);
}
