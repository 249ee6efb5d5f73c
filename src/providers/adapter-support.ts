/** Small pieces every HTTP adapter needs in the same form: static headers, per-call headers, capabilities. */

import type { ResolvedProvider } from '../config/resolved.ts';
import type { ModelCapabilities } from '../core/model.ts';

/** Content type, auth (only when a key is configured) and the provider's own headers, lower-cased. */
export function staticHeaders(provider: ResolvedProvider): Readonly<Record<string, string>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (provider.apiKey !== undefined) {
    headers[provider.auth.header.toLowerCase()] = `${provider.auth.prefix}${provider.apiKey}`;
  }
  for (const [name, value] of Object.entries(provider.headers)) headers[name.toLowerCase()] = value;
  return Object.freeze(headers);
}

/** Per-call headers (forwarded client headers, fault injection) are applied last, verbatim. */
export function withExtraHeaders(
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const headers: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  return headers;
}

export function narrowCapabilities(
  configured: ModelCapabilities,
  wire: ModelCapabilities,
): ModelCapabilities {
  return Object.freeze({
    tools: configured.tools && wire.tools,
    parallelToolCalls: configured.parallelToolCalls && wire.parallelToolCalls,
    jsonObject: configured.jsonObject && wire.jsonObject,
    jsonSchema: configured.jsonSchema && wire.jsonSchema,
    vision: configured.vision && wire.vision,
    logprobs: configured.logprobs && wire.logprobs,
    assistantPrefill: configured.assistantPrefill && wire.assistantPrefill,
  });
}

export function isJson(headers: Readonly<Record<string, string>>): boolean {
  return headers['content-type']?.startsWith('application/json') === true;
}
