import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../core/errors.ts';
import { decodeMessagesRequest } from './decode-request.ts';

function rejection(body: unknown): GatewayError {
  try {
    decodeMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeMessagesRequest', () => {
  it('maps system, sampling, limits, user id and tool choice to the canonical request', () => {
    const request = decodeMessagesRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-42' },
      tools: [{ name: 'lookup', description: 'Find', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stream: true,
    });
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    expect(request.sampling).toEqual({ temperature: 0.3, topP: 0.9, topK: 40, stop: ['END'] });
    expect(request.maxOutputTokens).toBe(256);
    expect(request.user).toBe('u-42');
    expect(request.toolChoice).toEqual({ type: 'required' });
    expect(request.parallelToolCalls).toBe(false);
    expect(request.tools).toEqual([
      { name: 'lookup', description: 'Find', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.stream).toBe(true);
    expect(request.includeUsage).toBe(true);
  });

  it('splits a user turn into tool results first, then its text and images; keeps assistant tool calls', () => {
    const request = decodeMessagesRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'rain', is_error: false },
            { type: 'text', text: 'And tomorrow?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking.' }],
        toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: [{ type: 'text', text: 'rain' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'And tomorrow?' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
        ],
      },
    ]);
  });

  it('marks failed tool results', () => {
    const request = decodeMessagesRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: 'boom', is_error: true }],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'tool', toolCallId: 't', content: [{ type: 'text', text: 'boom' }], isError: true },
    ]);
  });

  it('names the field of a malformed body', () => {
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).details.param).toBe(
      'max_tokens',
    );
    expect(
      rejection({ model: 'm', max_tokens: 5, messages: [{ role: 'robot', content: 'x' }] }).details.param,
    ).toBe('messages[0].role');
    expect(rejection({ model: 'm', max_tokens: 5, messages: [], temperature: 3 }).code).toBe(
      'invalid_request',
    );
  });

  it('refuses what it cannot carry with unsupported_parameter naming the field', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    expect(rejection({ ...base, thinking: { type: 'enabled', budget_tokens: 2000 } }).details.param).toBe(
      'thinking',
    );
    const serverTool = rejection({ ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(serverTool.code).toBe('unsupported_parameter');
    expect(serverTool.details.param).toBe('tools[0].type');
    const document = rejection({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] }],
    });
    expect(document.details.param).toBe('messages[0].content[0].type');
    expect(
      rejection({ ...base, tools: [], tool_choice: { type: 'tool', name: 'ghost' } }).details.param,
    ).toBe('tool_choice.name');
  });
});
