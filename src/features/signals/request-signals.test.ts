import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/request.ts';
import { decodeMessagesRequest } from '../../server/protocol/anthropic/decode-request.ts';
import { decodeChatCompletionRequest } from '../../server/protocol/openai/decode-request.ts';
import { countPromptTokens } from '../tokens.ts';
import { createSignalRegistry } from './index.ts';
import type { RequestHeaders, SignalContext } from './registry.ts';

const registry = createSignalRegistry();
const weatherTool = {
  name: 'weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

/** A tool-using conversation with a system prompt and an image, as an OpenAI client sends it. */
const openaiRequest = decodeChatCompletionRequest({
  model: 'auto',
  messages: [
    { role: 'system', content: 'You are a travel assistant.' },
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'rain' },
    { role: 'assistant', content: 'It is raining.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And this place?' },
        { type: 'image_url', image_url: { url: 'https://example.com/place.png' } },
      ],
    },
  ],
  tools: [{ type: 'function', function: weatherTool }],
  response_format: { type: 'json_object' },
  max_tokens: 500,
  stream: true,
  user: 'end-user-7',
  metadata: { team: 'legal', Region: 'eu' },
});

/** The same conversation as an Anthropic client sends it: the tool result rides in a user turn. */
const anthropicRequest = decodeMessagesRequest({
  model: 'claude-sonnet-4-5',
  max_tokens: 500,
  system: 'You are a travel assistant.',
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'rain' }] },
    { role: 'assistant', content: 'It is raining.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And this place?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    },
  ],
  tools: [{ name: 'weather', description: weatherTool.description, input_schema: weatherTool.parameters }],
});

function plain(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
    ...overrides,
  };
}

function valuesOf(request: ChatRequest, headers: RequestHeaders = {}, extra: Partial<SignalContext> = {}) {
  return registry.valuesFor({ request, headers, ...extra });
}

describe('built-in request signals', () => {
  it('reads an OpenAI-shaped tool conversation with a system prompt and an image', () => {
    const values = valuesOf(openaiRequest);
    const textChars = 'You are a travel assistant.Weather in Paris?rainIt is raining.And this place?'.length;
    expect(values.get('prompt_tokens')).toBe(countPromptTokens(openaiRequest, 'o200k'));
    expect(values.get('max_output_tokens')).toBe(500);
    expect(values.get('convo_length')).toBe(2);
    expect(values.get('message_count')).toBe(6);
    expect(values.get('char_count')).toBe(textChars);
    expect(values.get('last_user_chars')).toBe('And this place?'.length);
    expect(values.get('has_tools')).toBe(true);
    expect(values.get('tool_count')).toBe(1);
    expect(values.get('has_images')).toBe(true);
    expect(values.get('json_mode')).toBe(true);
    expect(values.get('stream')).toBe(true);
    expect(values.get('model')).toBe('auto');
    expect(values.get('user')).toBe('end-user-7');
    expect(values.get('priority')).toBe('normal');
    expect(values.get('metadata.team')).toBe('legal');
    expect(values.failures()).toEqual([]);
  });

  it('reads the same conversation sent by an Anthropic client alike', () => {
    const values = valuesOf(anthropicRequest);
    expect(values.get('convo_length')).toBe(2);
    expect(values.get('message_count')).toBe(6);
    expect(values.get('char_count')).toBe(valuesOf(openaiRequest).get('char_count'));
    expect(values.get('last_user_chars')).toBe('And this place?'.length);
    expect(values.get('has_tools')).toBe(true);
    expect(values.get('tool_count')).toBe(1);
    expect(values.get('has_images')).toBe(true);
    expect(values.get('json_mode')).toBe(false);
    expect(values.get('stream')).toBe(false);
    expect(values.get('model')).toBe('claude-sonnet-4-5');
    expect(values.get('prompt_tokens')).toBe(countPromptTokens(anthropicRequest, 'o200k'));
  });

  it('counts prompt tokens with the context family', () => {
    const request = plain({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'tokenization' }] }],
    });
    expect(valuesOf(request, {}, { tokenizerFamily: 'cl100k' }).get('prompt_tokens')).toBe(
      countPromptTokens(request, 'cl100k'),
    );
    expect(valuesOf(request, {}, { tokenizerFamily: 'estimate' }).get('prompt_tokens')).toBe(
      countPromptTokens(request, 'estimate'),
    );
  });

  it('counts consecutive user messages as one turn and the last turn whole', () => {
    const request = plain({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'context' }] },
        { role: 'user', content: [{ type: 'text', text: 'question' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
        { role: 'user', content: [{ type: 'text', text: 'more' }] },
        { role: 'user', content: [{ type: 'text', text: 'detail' }] },
      ],
    });
    const values = valuesOf(request);
    expect(values.get('convo_length')).toBe(2);
    expect(values.get('last_user_chars')).toBe('moredetail'.length);
  });

  it('gives missing values as undefined and plain defaults otherwise', () => {
    const values = valuesOf(
      plain({ messages: [{ role: 'system', content: [{ type: 'text', text: 's' }] }] }),
    );
    expect(values.get('max_output_tokens')).toBeUndefined();
    expect(values.get('user')).toBeUndefined();
    expect(values.get('tenant')).toBeUndefined();
    expect(values.get('metadata.team')).toBeUndefined();
    expect(values.get('last_user_chars')).toBeUndefined();
    expect(values.get('no_such_signal')).toBeUndefined();
    expect(values.get('convo_length')).toBe(0);
    expect(values.get('has_tools')).toBe(false);
    expect(values.get('tool_count')).toBe(0);
    expect(values.get('has_images')).toBe(false);
    expect(values.get('json_mode')).toBe(false);
    expect(values.get('priority')).toBe('normal');
  });

  it('treats json_schema as JSON mode and text as not', () => {
    const schema = plain({
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
    });
    expect(valuesOf(schema).get('json_mode')).toBe(true);
    expect(valuesOf(plain({ responseFormat: { type: 'text' } })).get('json_mode')).toBe(false);
  });
});

describe('metadata.<key>', () => {
  const body = plain({ metadata: { team: 'legal', Region: 'eu', region: 'us-exact' } });

  it('reads the body metadata, and the x-switchyard-meta-<key> header over it', () => {
    expect(valuesOf(body).get('metadata.team')).toBe('legal');
    expect(valuesOf(body, { 'x-switchyard-meta-team': 'finance' }).get('metadata.team')).toBe('finance');
    expect(valuesOf(plain(), { 'x-switchyard-meta-team': 'finance' }).get('metadata.team')).toBe('finance');
  });

  it('matches keys case-insensitively, preferring the exact spelling among body keys', () => {
    expect(valuesOf(plain({ metadata: { Region: 'eu' } })).get('metadata.region')).toBe('eu');
    expect(valuesOf(body).get('metadata.region')).toBe('us-exact');
    expect(valuesOf(body).get('metadata.Region')).toBe('eu');
    expect(valuesOf(body, { 'x-switchyard-meta-region': 'apac' }).get('metadata.Region')).toBe('apac');
  });

  it('ignores blank headers, takes the first of repeated ones, and never reads inherited keys', () => {
    expect(valuesOf(body, { 'x-switchyard-meta-team': '' }).get('metadata.team')).toBe('legal');
    expect(valuesOf(body, { 'x-switchyard-meta-team': ['a', 'b'] }).get('metadata.team')).toBe('a');
    expect(valuesOf(body).get('metadata.constructor')).toBeUndefined();
    expect(valuesOf(body).get('metadata.toString')).toBeUndefined();
  });
});

describe('priority and tenant', () => {
  it('takes the priority header, else metadata.priority, normalised; defaults to normal', () => {
    const metadataHigh = plain({ metadata: { priority: 'High' } });
    expect(valuesOf(metadataHigh).get('priority')).toBe('high');
    expect(valuesOf(metadataHigh, { 'x-switchyard-priority': ' low ' }).get('priority')).toBe('low');
    expect(valuesOf(plain(), { 'x-switchyard-meta-priority': 'high' }).get('priority')).toBe('high');
    expect(valuesOf(plain({ metadata: { priority: ' ' } })).get('priority')).toBe('normal');
  });

  it('reads an unknown priority as missing and records why', () => {
    const values = valuesOf(plain(), { 'x-switchyard-priority': 'urgent' });
    expect(values.get('priority')).toBeUndefined();
    expect(values.failures()).toMatchObject([
      { signal: 'priority', message: expect.stringContaining('urgent') },
    ]);
  });

  it('takes the tenant the gateway resolved over the trusted-proxy header', () => {
    expect(valuesOf(plain(), { 'x-switchyard-tenant': 'proxy-says' }).get('tenant')).toBe('proxy-says');
    expect(
      valuesOf(plain(), { 'x-switchyard-tenant': 'proxy-says' }, { tenant: 'key-acme' }).get('tenant'),
    ).toBe('key-acme');
  });
});

describe('the built-in catalog', () => {
  it('lists every built-in signal and the metadata family, each with a one-line description', () => {
    const names = registry.list().map((definition) => definition.name);
    expect(names).toEqual([
      'prompt_tokens',
      'max_output_tokens',
      'convo_length',
      'message_count',
      'char_count',
      'last_user_chars',
      'has_tools',
      'tool_count',
      'has_images',
      'json_mode',
      'stream',
      'model',
      'user',
      'priority',
      'conversation_id',
      'tenant',
      'complexity',
      'complexity_score',
      'intent',
      'intent_confidence',
      'metadata.*',
    ]);
    for (const definition of registry.list()) expect(definition.description).not.toMatch(/\n/);
    expect(registry.lookup('prompt_tokens')?.description).toMatch(/estimated/);
    expect(registry.lookup('metadata.team')).toMatchObject({ name: 'metadata.team', type: 'string' });
  });
});

describe('conversation_id', () => {
  const registry = createSignalRegistry();
  const conversation = (...texts: string[]): ChatRequest => ({
    model: 'auto',
    messages: texts.map((text, index) => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: [{ type: 'text', text }],
    })),
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
  });
  const idOf = (request: ChatRequest, headers: Record<string, string> = {}) =>
    registry.valuesFor({ request, headers }).get('conversation_id');

  it('is the same as a conversation grows, and differs between conversations', () => {
    const first = idOf(conversation('Plan a trip to Lisbon'));
    expect(first).toMatch(/^h[0-9a-z]+$/);
    expect(idOf(conversation('Plan a trip to Lisbon', 'When?', 'In May'))).toBe(first);
    expect(idOf(conversation('Plan a trip to Porto'))).not.toBe(first);
  });

  it('is the client’s own id when it sends one', () => {
    expect(idOf(conversation('x'), { 'x-switchyard-meta-conversation_id': 'c-7' })).toBe('c-7');
  });
});
