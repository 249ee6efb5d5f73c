import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/request.ts';
import { encodeRequest, type EncodeOptions } from './encode-request.ts';

const OPTIONS: EncodeOptions = {
  upstreamModel: 'gpt-4o',
  stream: false,
  maxTokensField: 'max_completion_tokens',
};

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'client-model',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: { team: 'search' },
    ...overrides,
  };
}

/** What actually goes on the wire: `undefined` fields disappear. */
function wire(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body));
}

describe('encodeRequest', () => {
  it('sends only the model and messages for a minimal request; metadata is never forwarded', () => {
    expect(wire(encodeRequest(request(), OPTIONS))).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
  });

  it('caps output with the field the provider type expects', () => {
    const capped = request({ maxOutputTokens: 100 });
    expect(encodeRequest(capped, OPTIONS)).toMatchObject({
      max_completion_tokens: 100,
      max_tokens: undefined,
    });
    expect(encodeRequest(capped, { ...OPTIONS, maxTokensField: 'max_tokens' })).toMatchObject({
      max_tokens: 100,
      max_completion_tokens: undefined,
    });
  });

  it('always asks for usage when streaming', () => {
    expect(encodeRequest(request({ includeUsage: false }), { ...OPTIONS, stream: true })).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('omits parallel_tool_calls without tools, and a `text` response format', () => {
    const body = wire(
      encodeRequest(request({ parallelToolCalls: false, responseFormat: { type: 'text' } }), OPTIONS),
    );
    expect(body).not.toHaveProperty('parallel_tool_calls');
    expect(body).not.toHaveProperty('response_format');
    expect(body).not.toHaveProperty('tools');
  });

  it('encodes the simple tool choices as strings', () => {
    expect(encodeRequest(request({ toolChoice: { type: 'none' } }), OPTIONS).tool_choice).toBe('none');
    expect(encodeRequest(request({ toolChoice: { type: 'required' } }), OPTIONS).tool_choice).toBe(
      'required',
    );
  });

  it('keeps an assistant turn with both text and tool calls', () => {
    const body = encodeRequest(
      request({
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'text', text: 'Checking.' }],
            toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":1}' }],
          },
        ],
      }),
      OPTIONS,
    );
    expect(body.messages[0]).toMatchObject({
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
    });
  });

  it('keeps several text parts as parts, and sends an empty user turn as an empty string', () => {
    const body = encodeRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
          { role: 'user', content: [] },
        ],
      }),
      OPTIONS,
    );
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    expect(body.messages[1]?.content).toBe('');
  });
});
