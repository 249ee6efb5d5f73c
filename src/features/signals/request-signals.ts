/**
 * The built-in signals: what the canonical request, the client's headers and the server's resolution of
 * the client say about one request. Each is cheap except `prompt_tokens`, which tokenizes, and is paid
 * for only when a rule reads it.
 */

import { fnv1a32 } from '../../core/hash.ts';
import type { ChatRequest } from '../../core/request.ts';
import { EXACT_COUNT_CHAR_LIMIT, countPromptTokens } from '../tokens.ts';
import { countUserTurns, hasImages, lastUserTurnChars, totalTextChars } from './conversation.ts';
import type { RequestHeaders, SignalContext, SignalRegistry } from './registry.ts';

export const METADATA_HEADER_PREFIX = 'x-switchyard-meta-';
export const PRIORITY_HEADER = 'x-switchyard-priority';
export const TENANT_HEADER = 'x-switchyard-tenant';

export const PRIORITIES = ['low', 'normal', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** What a request that states no priority gets, so `priority == "normal"` matches ordinary traffic. */
export const DEFAULT_PRIORITY: Priority = 'normal';

export function registerRequestSignals(registry: SignalRegistry): SignalRegistry {
  return registry
    .register(
      {
        name: 'prompt_tokens',
        type: 'number',
        description: `Prompt tokens (messages, tools, format overhead) in the context's tokenizer family, o200k by default; exact for texts up to ${EXACT_COUNT_CHAR_LIMIT} characters each, estimated beyond.`,
      },
      ({ request, tokenizerFamily }) => countPromptTokens(request, tokenizerFamily ?? 'o200k'),
    )
    .register(
      {
        name: 'max_output_tokens',
        type: 'number',
        description: 'The output-token limit the client asked for; missing when it gave none.',
      },
      ({ request }) => request.maxOutputTokens,
    )
    .register(
      {
        name: 'convo_length',
        type: 'number',
        description:
          'User turns in the conversation: runs of consecutive user messages, each counted once (tool results are not turns).',
      },
      ({ request }) => countUserTurns(request.messages),
    )
    .register(
      {
        name: 'message_count',
        type: 'number',
        description: 'All messages, system and tool messages included.',
      },
      ({ request }) => request.messages.length,
    )
    .register(
      {
        name: 'char_count',
        type: 'number',
        description:
          'Characters (UTF-16 code units) of the text parts of all messages; tool-call arguments and tool definitions excluded.',
      },
      ({ request }) => totalTextChars(request.messages),
    )
    .register(
      {
        name: 'last_user_chars',
        type: 'number',
        description:
          'Characters of the text parts of the last user turn; missing when the request has no user message.',
      },
      ({ request }) => lastUserTurnChars(request.messages),
    )
    .register(
      {
        name: 'has_tools',
        type: 'boolean',
        description: 'The client offered at least one tool (whatever its tool_choice).',
      },
      ({ request }) => toolCount(request) > 0,
    )
    .register(
      { name: 'tool_count', type: 'number', description: 'How many tools the client offered.' },
      ({ request }) => toolCount(request),
    )
    .register(
      {
        name: 'has_images',
        type: 'boolean',
        description: 'Some message (tool results included) carries an image.',
      },
      ({ request }) => hasImages(request.messages),
    )
    .register(
      {
        name: 'json_mode',
        type: 'boolean',
        description: 'The client asked for JSON output: a json_object or json_schema response format.',
      },
      ({ request }) =>
        request.responseFormat?.type === 'json_object' || request.responseFormat?.type === 'json_schema',
    )
    .register(
      { name: 'stream', type: 'boolean', description: 'The client asked for a streamed response.' },
      ({ request }) => request.stream,
    )
    .register(
      {
        name: 'model',
        type: 'string',
        description: 'What the client asked for, as sent: `auto`, a route name or a model id.',
      },
      ({ request }) => request.model,
    )
    .register(
      { name: 'user', type: 'string', description: "The request's end-user id; missing when not given." },
      ({ request }) => request.user,
    )
    .register(
      {
        name: 'priority',
        type: 'string',
        description: `low, normal or high: the ${PRIORITY_HEADER} header, else metadata.priority, else normal; any other value reads as missing.`,
      },
      readPriority,
    )
    .register(
      {
        name: 'conversation_id',
        type: 'string',
        description:
          'metadata.conversation_id when the client sends one, else a hash of the system prompt and the first user message (which stay the same as a conversation grows).',
      },
      readConversationId,
    )
    .register(
      {
        name: 'tenant',
        type: 'string',
        description: `The tenant or API-key name the gateway resolved, else the ${TENANT_HEADER} header (trusted-proxy header).`,
      },
      ({ tenant, headers }) => tenant ?? headerValue(headers, TENANT_HEADER),
    )
    .registerFamily(
      {
        prefix: 'metadata',
        type: 'string',
        description: `Request metadata <key>: the ${METADATA_HEADER_PREFIX}<key> header, else the body's metadata key (keys match case-insensitively).`,
      },
      readMetadata,
    );
}

function toolCount(request: ChatRequest): number {
  return request.tools?.length ?? 0;
}

/**
 * One metadata value. The header wins over the body: it is the gateway's own channel, set by whoever
 * deploys the client (a proxy, an SDK wrapper) to steer routing without touching the application's body.
 * Header names arrive lower-cased, so keys match case-insensitively; among body keys differing only in
 * case, the one spelt exactly as asked wins, then the first in the body's order.
 */
export function readMetadata({ request, headers }: SignalContext, key: string): string | undefined {
  const fromHeader = headerValue(headers, METADATA_HEADER_PREFIX + key.toLowerCase());
  if (fromHeader !== undefined) return fromHeader;
  const metadata = request.metadata;
  if (Object.hasOwn(metadata, key)) return metadata[key];
  const wanted = key.toLowerCase();
  for (const candidate in metadata) {
    if (candidate.toLowerCase() === wanted && Object.hasOwn(metadata, candidate)) return metadata[candidate];
  }
  return undefined;
}

/**
 * The first source present decides; its value is trimmed and lower-cased, and a blank one is not stated. An unknown value is an error
 * (kept for the explain record, the signal reads as missing) rather than a silent `normal`, so a typo
 * shows instead of quietly routing as ordinary traffic.
 */
function readPriority(context: SignalContext): Priority {
  const stated = headerValue(context.headers, PRIORITY_HEADER) ?? readMetadata(context, 'priority');
  const priority = stated?.trim().toLowerCase() ?? '';
  if (priority === '') return DEFAULT_PRIORITY;
  if (isPriority(priority)) return priority;
  throw new Error(`priority '${stated ?? ''}' is not one of ${PRIORITIES.join(', ')}`);
}

function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

/**
 * A header's value. Repeated headers (only possible as an array) give their first value; an empty value
 * counts as absent, as proxies often blank a header rather than remove it.
 */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const raw = headers[name];
  const value = typeof raw === 'string' ? raw : raw?.[0];
  return value === undefined || value === '' ? undefined : value;
}

/** A conversation keeps its opening as it grows, so its first turns identify it when the client gives no id. */
function readConversationId(context: SignalContext): string | undefined {
  const given = readMetadata(context, 'conversation_id');
  if (given !== undefined) return given;
  let opening = '';
  for (const message of context.request.messages) {
    if (message.role !== 'system' && message.role !== 'user') continue;
    for (const part of message.content) if (part.type === 'text') opening += part.text;
    opening += '\u0000';
    if (message.role === 'user') break;
  }
  return opening === '' ? undefined : `h${fnv1a32(opening).toString(36)}`;
}
