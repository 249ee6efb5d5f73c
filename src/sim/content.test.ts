import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateCompletion, splitIntoTokens } from './content.ts';
import type { SimCompletion, SimPrompt, SimTool } from './types.ts';

function prompt(overrides: Partial<SimPrompt> = {}): SimPrompt {
  return {
    model: 'sim-mid',
    messages: [{ role: 'user', text: 'Tell me about the river.', imageCount: 0 }],
    tools: [],
    toolChoice: { kind: 'auto' },
    parallelToolCalls: true,
    responseFormat: { kind: 'text' },
    maxTokens: undefined,
    stop: [],
    stream: false,
    includeUsage: false,
    overheadText: '',
    ...overrides,
  };
}

function textOf(completion: SimCompletion): string {
  return completion.steps.map((step) => (step.kind === 'text' ? step.text : '')).join('');
}

const weatherTool: SimTool = {
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } },
    required: ['city', 'days'],
  },
};
const searchTool: SimTool = {
  name: 'search_docs',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

describe('generateCompletion', () => {
  it('is deterministic for the same seed, model and messages, and varies with each of them', () => {
    const base = textOf(generateCompletion(prompt(), 7, 10));
    expect(textOf(generateCompletion(prompt(), 7, 10))).toBe(base);
    expect(textOf(generateCompletion(prompt(), 8, 10))).not.toBe(base);
    expect(textOf(generateCompletion(prompt({ model: 'sim-lite' }), 7, 10))).not.toBe(base);
    const otherMessages = prompt({ messages: [{ role: 'user', text: 'Something else.', imageCount: 0 }] });
    expect(textOf(generateCompletion(otherMessages, 7, 10))).not.toBe(base);
  });

  it('writes English sentences and counts one token per step, matching the o200k tokenizer', () => {
    for (let seed = 0; seed < 20; seed++) {
      const completion = generateCompletion(prompt(), seed, 10);
      const text = textOf(completion);
      expect(text).toMatch(/^[A-Z][a-z]*( [a-z]+,?)*\.( [A-Z][a-z]*( [a-z]+,?)*\.)*$/);
      expect(completion.finishReason).toBe('stop');
      expect(completion.completionTokens).toBe(completion.steps.length);
      expect(countTokens(text)).toBe(completion.completionTokens);
    }
  });

  it('stops at max_tokens with finish_reason length, and keeps its natural length under a larger cap', () => {
    const natural = generateCompletion(prompt(), 3, 10);
    const capped = generateCompletion(prompt({ maxTokens: 5 }), 3, 10);
    expect(capped.steps).toHaveLength(5);
    expect(capped.completionTokens).toBe(5);
    expect(capped.finishReason).toBe('length');
    expect(textOf(natural).startsWith(textOf(capped))).toBe(true);

    const roomy = generateCompletion(prompt({ maxTokens: natural.steps.length + 50 }), 3, 10);
    expect(roomy.steps).toHaveLength(natural.steps.length);
    expect(roomy.finishReason).toBe('stop');
  });

  it('cuts the text before the earliest stop sequence and reports stop', () => {
    const full = textOf(generateCompletion(prompt(), 11, 10));
    const words = full.split(' ');
    const stopWord = ` ${words[6]}`;
    const expected = full.slice(0, full.indexOf(stopWord));
    const completion = generateCompletion(prompt({ stop: ['never-present', stopWord] }), 11, 10);
    expect(textOf(completion)).toBe(expected);
    expect(completion.finishReason).toBe('stop');
    // The tokens that made up the stop sequence were generated, though not returned.
    expect(completion.completionTokens).toBeGreaterThan(completion.steps.length);
  });

  it('prefers the cap over a stop sequence that lies beyond it', () => {
    const full = textOf(generateCompletion(prompt(), 11, 10));
    const lateWord = full.split(' ').slice(-3).join(' ');
    const completion = generateCompletion(prompt({ maxTokens: 4, stop: [lateWord] }), 11, 10);
    expect(completion.finishReason).toBe('length');
    expect(completion.steps).toHaveLength(4);
  });

  it('calls the required tool with arguments that satisfy its schema', () => {
    const completion = generateCompletion(
      prompt({ tools: [weatherTool], toolChoice: { kind: 'required' } }),
      1,
      10,
    );
    expect(completion.finishReason).toBe('tool_calls');
    const start = completion.steps[0];
    expect(start).toMatchObject({ kind: 'tool-start', index: 0, name: 'get_weather' });
    const argumentsText = completion.steps
      .map((step) => (step.kind === 'tool-arguments' ? step.text : ''))
      .join('');
    const parsed: unknown = JSON.parse(argumentsText);
    expect(z.fromJSONSchema(weatherTool.parameters).safeParse(parsed).success).toBe(true);
  });

  it('follows tool_choice: named function, auto with a mention, auto without one, and none', () => {
    const tools = [weatherTool, searchTool];
    const named = generateCompletion(
      prompt({ tools, toolChoice: { kind: 'function', name: 'search_docs' } }),
      1,
      10,
    );
    expect(named.steps[0]).toMatchObject({ kind: 'tool-start', name: 'search_docs' });

    const asks = [{ role: 'user', text: 'Please get weather for Oslo, then search_docs.', imageCount: 0 }];
    const both = generateCompletion(prompt({ tools, messages: asks }), 1, 10);
    expect(both.steps.filter((step) => step.kind === 'tool-start').map((step) => step.name)).toEqual([
      'get_weather',
      'search_docs',
    ]);
    const single = generateCompletion(prompt({ tools, messages: asks, parallelToolCalls: false }), 1, 10);
    expect(single.steps.filter((step) => step.kind === 'tool-start')).toHaveLength(1);

    expect(generateCompletion(prompt({ tools }), 1, 10).finishReason).toBe('stop');
    const none = generateCompletion(prompt({ tools, messages: asks, toolChoice: { kind: 'none' } }), 1, 10);
    expect(none.steps.every((step) => step.kind === 'text')).toBe(true);
  });

  it('answers after a tool result with text under auto', () => {
    const messages = [
      { role: 'user', text: 'get_weather for Oslo', imageCount: 0 },
      { role: 'assistant', text: 'get_weather{"city":"Oslo"}', imageCount: 0 },
      { role: 'tool', text: '{"temperature":4}', imageCount: 0 },
    ];
    expect(generateCompletion(prompt({ tools: [weatherTool], messages }), 1, 10).finishReason).toBe('stop');
  });

  it('answers json_object with a JSON object and json_schema with JSON that satisfies the schema', () => {
    const objectAnswer = JSON.parse(
      textOf(generateCompletion(prompt({ responseFormat: { kind: 'json_object' } }), 2, 10)),
    );
    expect(typeof objectAnswer).toBe('object');
    const schema: Record<string, unknown> = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        score: { type: 'number', minimum: 0, maximum: 1 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      required: ['title', 'score', 'tags'],
      additionalProperties: false,
    };
    for (let seed = 0; seed < 10; seed++) {
      const completion = generateCompletion(
        prompt({ responseFormat: { kind: 'json_schema', schema } }),
        seed,
        10,
      );
      expect(z.fromJSONSchema(schema).safeParse(JSON.parse(textOf(completion))).success).toBe(true);
    }
  });
});

describe('splitIntoTokens', () => {
  it('splits text into pieces that join back to the exact text', () => {
    const samples = [
      '{"a": [1, 23456, "x y"], "b": null}',
      '  leading and trailing  ',
      'ünïcode — dash\n\nnew',
    ];
    for (const text of samples) {
      const pieces = splitIntoTokens(text);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBeGreaterThan(3);
    }
  });
});
