import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../core/errors.ts';
import { decodeChatCompletionRequest } from './decode-request.ts';

function decodeError(body: unknown): GatewayError {
  try {
    decodeChatCompletionRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('decodeChatCompletionRequest', () => {
  it('decodes every role, content parts, tools and sampling', () => {
    const request = decodeChatCompletionRequest({
      model: 'auto',
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 64,
      stop: 'END',
      seed: 7,
      user: 'u-1',
      metadata: { team: 'search' },
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(request.messages[1]!.content[1]).toEqual({
      type: 'image',
      source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
      detail: 'low',
    });
    expect(request.messages[1]!.content[2]).toEqual({
      type: 'image',
      source: { kind: 'url', url: 'https://example.com/cat.jpg' },
    });
    expect(request.messages[2]!.toolCalls).toEqual([
      { id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
    ]);
    expect(request.messages[3]!.toolCallId).toBe('call_1');
    expect(request.toolChoice).toEqual({ type: 'tool', name: 'lookup' });
    expect(request.responseFormat).toEqual({
      type: 'json_schema',
      name: 'answer',
      schema: { type: 'object' },
      strict: true,
    });
    expect(request.sampling).toEqual({ temperature: 0.2, topP: 0.9, seed: 7, stop: ['END'] });
    expect(request.maxOutputTokens).toBe(64);
    expect(request.includeUsage).toBe(true);
    expect(request.metadata).toEqual({ team: 'search' });
  });

  it('treats developer messages as system and max_tokens as the output cap', () => {
    const request = decodeChatCompletionRequest({
      model: 'm',
      messages: [
        { role: 'developer', content: 'x' },
        { role: 'user', content: 'y' },
      ],
      max_tokens: 10,
    });
    expect(request.messages[0]!.role).toBe('system');
    expect(request.maxOutputTokens).toBe(10);
    expect(request.stream).toBe(false);
    expect(request.includeUsage).toBe(false);
  });

  it('names the field at fault', () => {
    expect(
      decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 3 }).details.param,
    ).toBe('temperature');
    expect(decodeError({ model: 'm', messages: [{ role: 'user', content: 42 }] }).details.param).toBe(
      'messages[0].content',
    );
    expect(decodeError({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }).details.param).toBe(
      'messages[0].tool_call_id',
    );
    expect(decodeError({ model: 'm', messages: [] }).details.param).toBe('messages');
    expect(decodeError({ messages: [{ role: 'user', content: 'hi' }] }).details.param).toBe('model');
    expect(
      decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 }).details.param,
    ).toBe('max_tokens');
    expect(decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }], n: 2 }).details.param).toBe(
      'n',
    );
  });

  it('rejects a tool_choice that names an undeclared tool', () => {
    const error = decodeError({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tool_choice: { type: 'function', function: { name: 'missing' } },
    });
    expect(error.code).toBe('invalid_request');
    expect(error.details.param).toBe('tool_choice.function.name');
  });

  it('rejects a body that is not an object', () => {
    expect(decodeError([1, 2]).code).toBe('invalid_request');
    expect(decodeError('text').code).toBe('invalid_request');
  });
});
