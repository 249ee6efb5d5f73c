import { describe, expect, it } from 'vitest';
import { decodeResponse } from './decode-response.ts';

const CONTEXT = {
  provider: 'anthropic-main',
  model: 'claude',
  upstreamModel: 'claude-sonnet-4-5',
  jsonMode: false,
};

function message(
  content: object[],
  stopReason: string,
  usage: object = { input_tokens: 3, output_tokens: 4 },
) {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
}

describe('decodeResponse', () => {
  it('joins text blocks, turns tool_use into calls with JSON arguments, skips thinking', () => {
    const response = decodeResponse(
      message(
        [
          { type: 'thinking', thinking: 'secret', signature: 'sig' },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Let me ' },
          { type: 'text', text: 'check.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        ],
        'tool_use',
      ),
      CONTEXT,
      200,
    );
    expect(response).toMatchObject({
      id: 'msg_1',
      upstreamModel: 'claude-sonnet-4-5-20250929',
      text: 'Let me check.',
      toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReason: { unified: 'tool_calls', raw: 'tool_use' },
      usage: { inputTokens: 3, outputTokens: 4 },
    });
  });

  it('JSON mode: the emulating tool input is the text, and the finish is stop', () => {
    const response = decodeResponse(
      message(
        [{ type: 'tool_use', id: 'toolu_j', name: 'json_response', input: { city: 'Tokyo' } }],
        'tool_use',
      ),
      { ...CONTEXT, jsonMode: true },
      200,
    );
    expect(response.text).toBe('{"city":"Tokyo"}');
    expect(response.toolCalls).toEqual([]);
    expect(response.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
  });

  it('JSON mode cut by max_tokens still says length', () => {
    const response = decodeResponse(
      message([{ type: 'tool_use', id: 'toolu_j', name: 'json_response', input: {} }], 'max_tokens'),
      { ...CONTEXT, jsonMode: true },
      200,
    );
    expect(response.finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
  ] as const)('stop_reason %s → %s, raw kept', (raw, unified) => {
    expect(decodeResponse(message([], raw), CONTEXT, 200).finishReason).toEqual({ unified, raw });
  });

  it('counts cache reads and writes into the total input', () => {
    const usage = {
      input_tokens: 5,
      cache_read_input_tokens: 1000,
      cache_creation_input_tokens: 20,
      output_tokens: 9,
    };
    expect(decodeResponse(message([], 'end_turn', usage), CONTEXT, 200).usage).toEqual({
      inputTokens: 1025,
      outputTokens: 9,
      cachedInputTokens: 1000,
      cacheWriteTokens: 20,
    });
  });

  it('rejects a body that is not a message', () => {
    expect(() => decodeResponse({ content: 'nope' }, CONTEXT, 200)).toThrow(
      expect.objectContaining({ code: 'upstream_bad_response' }),
    );
  });
});
