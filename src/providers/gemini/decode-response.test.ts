import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.ts';
import { convertUsage } from './convert-usage.ts';
import { decodeResponse } from './decode-response.ts';
import { mapFinishReason } from './map-finish-reason.ts';

const CONTEXT = { provider: 'gemini-main', model: 'flash', upstreamModel: 'gemini-2.5-flash' };

function response(parts: readonly object[], finishReason = 'STOP', extra: object = {}): object {
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }],
    modelVersion: 'gemini-2.5-flash-001',
    responseId: 'resp42',
    ...extra,
  };
}

function failure(body: unknown): GatewayError {
  try {
    decodeResponse(body, CONTEXT, 200);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  return expect.unreachable('expected decoding to fail');
}

describe('decodeResponse', () => {
  it('joins answer text and leaves thought summaries out', () => {
    const decoded = decodeResponse(
      response([
        { text: 'Let me think about Paris…', thought: true },
        { text: 'Paris' },
        { text: ' is lovely.' },
      ]),
      CONTEXT,
      200,
    );
    expect(decoded.text).toBe('Paris is lovely.');
    expect(decoded).toMatchObject({ id: 'resp42', upstreamModel: 'gemini-2.5-flash-001' });
    expect(decoded.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
  });

  it('turns function calls into tool calls with stable ids, and STOP into tool_calls', () => {
    const decoded = decodeResponse(
      response([
        { functionCall: { name: 'get_weather', args: { location: 'Paris' } }, thoughtSignature: 'c2ln' },
        { functionCall: { name: 'get_time' } },
        { functionCall: { id: 'given-id', name: 'get_date', args: {} } },
      ]),
      CONTEXT,
      200,
    );
    expect(decoded.toolCalls).toEqual([
      { id: 'call_resp42_0', name: 'get_weather', arguments: '{"location":"Paris"}' },
      { id: 'call_resp42_1', name: 'get_time', arguments: '{}' },
      { id: 'given-id', name: 'get_date', arguments: '{}' },
    ]);
    expect(decoded.finishReason).toEqual({ unified: 'tool_calls', raw: 'STOP' });
  });

  it('makes random call ids when the response has no id', () => {
    const decoded = decodeResponse(
      response([{ functionCall: { name: 'a' } }], 'STOP', { responseId: undefined }),
      CONTEXT,
      200,
    );
    expect(decoded.toolCalls[0]?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(decoded.id).toBe('');
    expect(decoded.upstreamModel).toBe('gemini-2.5-flash-001');
  });

  it('reports a blocked prompt as content_filtered, keeping the block reason', () => {
    const error = failure({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
    expect(error.code).toBe('content_filtered');
    expect(error.details).toMatchObject({ upstreamStatus: 200, upstreamCode: 'PROHIBITED_CONTENT' });
    expect(error.spec.tryNextTarget).toBe(true);
  });

  it('rejects a response with no candidates, or in the wrong shape, as a bad response', () => {
    expect(failure({ candidates: [] }).code).toBe('upstream_bad_response');
    const shape = failure({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] });
    expect(shape.code).toBe('upstream_bad_response');
    expect(shape.message).toContain('candidates[0].content.parts[0].functionCall.name');
  });

  it('decodes a candidate cut by a safety filter, with no content, as content_filter', () => {
    const decoded = decodeResponse({ candidates: [{ finishReason: 'SAFETY', index: 0 }] }, CONTEXT, 200);
    expect(decoded.text).toBe('');
    expect(decoded.finishReason).toEqual({ unified: 'content_filter', raw: 'SAFETY' });
    expect(decoded.upstreamModel).toBe('gemini-2.5-flash');
    expect(decoded.usage).toBeUndefined();
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'other'],
    ['OTHER', false, 'other'],
    ['SOMETHING_NEW', false, 'other'],
  ] as const)('%s (tool calls: %s) → %s', (raw, calledTools, unified) => {
    expect(mapFinishReason(raw, calledTools)).toEqual({ unified, raw });
  });

  it('a missing reason is other with no raw word', () => {
    expect(mapFinishReason(undefined, false)).toEqual({ unified: 'other', raw: null });
  });
});

describe('convertUsage', () => {
  it('counts thoughts as output (their reasoning subset) and cached content as part of the input', () => {
    expect(
      convertUsage({
        promptTokenCount: 2006,
        candidatesTokenCount: 108,
        thoughtsTokenCount: 192,
        cachedContentTokenCount: 1920,
      }),
    ).toEqual({ inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920, reasoningTokens: 192 });
  });

  it('adds server-side tool results to the input and leaves unreported details out', () => {
    expect(
      convertUsage({ promptTokenCount: 10, candidatesTokenCount: 5, toolUsePromptTokenCount: 40 }),
    ).toEqual({
      inputTokens: 50,
      outputTokens: 5,
    });
    expect(convertUsage({})).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});
