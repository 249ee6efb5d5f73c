import { describe, expect, it } from 'vitest';
import { readChunk } from './read-chunk.ts';

describe('readChunk', () => {
  it('accepts a documented chunk and returns the same object', () => {
    const json = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      system_fingerprint: 'fp',
      choices: [
        {
          index: 0,
          delta: {
            role: 'assistant',
            content: 'hi',
            tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
          },
          logprobs: null,
          finish_reason: null,
        },
      ],
      usage: null,
    };
    expect(readChunk(json)).toEqual({ chunk: json });
    expect(readChunk(json).problem).toBeUndefined();
  });

  it('accepts the usage-only final chunk and servers that omit fields', () => {
    expect(
      readChunk({
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 1 } },
      }).problem,
    ).toBeUndefined();
    expect(readChunk({}).problem).toBeUndefined();
    expect(readChunk({ choices: null, usage: { completion_tokens_details: null } }).problem).toBeUndefined();
  });

  it('names the first field of the wrong type', () => {
    expect(readChunk([1]).problem).toBe('the chunk is not a JSON object');
    expect(readChunk({ choices: {} }).problem).toBe('choices is not an array');
    expect(readChunk({ choices: [{ delta: { content: 5 } }] }).problem).toBe(
      'choices[0].delta.content is not a string',
    );
    expect(
      readChunk({ choices: [{ delta: { tool_calls: [{ function: { arguments: {} } }] } }] }).problem,
    ).toBe('choices[0].delta.tool_calls[0].function.arguments is not a string');
    expect(readChunk({ choices: [{ finish_reason: 1 }] }).problem).toBe(
      'choices[0].finish_reason is not a string',
    );
    expect(readChunk({ usage: { prompt_tokens: '3' } }).problem).toBe('usage.prompt_tokens is not a number');
    expect(readChunk({ usage: { prompt_tokens_details: { cached_tokens: 'x' } } }).problem).toBe(
      'usage.prompt_tokens_details.cached_tokens is not a number',
    );
  });
});
