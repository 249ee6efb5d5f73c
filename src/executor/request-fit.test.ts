import { describe, expect, it } from 'vitest';
import type { ModelCapabilities } from '../core/model.ts';
import type { ChatRequest } from '../core/request.ts';
import type { ParameterSupport } from '../providers/contract.ts';
import { ALL_CAPABILITIES } from '../../test/support/fixtures.ts';
import { dropFeatures, findLosses, unsupportedError } from './request-fit.ts';

const ALL = ALL_CAPABILITIES;
const EVERY_PARAMETER: ParameterSupport = { topK: true, seed: true, penalties: true };

const base: ChatRequest = {
  model: 'auto',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
      ],
    },
  ],
  tools: [{ name: 'f', parameters: { type: 'object' } }],
  toolChoice: { type: 'auto' },
  parallelToolCalls: false,
  responseFormat: { type: 'json_object' },
  logprobs: { topLogprobs: 2 },
  sampling: { temperature: 0.2, topK: 5, seed: 7, presencePenalty: 0.5 },
  stream: false,
  includeUsage: false,
  metadata: {},
};

describe('findLosses', () => {
  it('finds nothing when the target carries everything', () => {
    expect(findLosses(base, ALL, EVERY_PARAMETER)).toEqual([]);
  });

  it('names every feature the target lacks, model capabilities and wire parameters alike', () => {
    const none: ModelCapabilities = {
      tools: false,
      parallelToolCalls: false,
      jsonObject: false,
      jsonSchema: false,
      vision: false,
      logprobs: false,
      assistantPrefill: false,
    };
    expect(findLosses(base, none, { topK: false, seed: false, penalties: false })).toEqual([
      'tools',
      'parallel_tool_calls',
      'json_object',
      'images',
      'logprobs',
      'top_k',
      'seed',
      'penalties',
    ]);
  });

  it('only an explicit parallel_tool_calls: false can be lost', () => {
    const { parallelToolCalls: _omitted, ...rest } = base;
    expect(findLosses(rest, { ...ALL, parallelToolCalls: false }, EVERY_PARAMETER)).toEqual([]);
    expect(findLosses(base, { ...ALL, parallelToolCalls: false }, EVERY_PARAMETER)).toEqual([
      'parallel_tool_calls',
    ]);
  });
});

describe('dropFeatures', () => {
  it('removes exactly the named features and leaves the original untouched', () => {
    const fitted = dropFeatures(base, ['images', 'top_k', 'logprobs', 'tools']);
    expect(fitted.messages[0]?.content).toEqual([{ type: 'text', text: 'look' }]);
    expect(fitted.sampling).toEqual({ temperature: 0.2, seed: 7, presencePenalty: 0.5 });
    expect(fitted.logprobs).toBeUndefined();
    expect(fitted.tools).toBeUndefined();
    expect(fitted.toolChoice).toBeUndefined();
    expect(fitted.responseFormat).toEqual({ type: 'json_object' });
    expect(base.messages[0]?.content).toHaveLength(2);
    expect(base.sampling.topK).toBe(5);
  });
});

describe('unsupportedError', () => {
  it('is a 400 unsupported_parameter naming the first field in the client protocol’s terms', () => {
    const error = unsupportedError(['logprobs', 'top_k'], { id: 'claude', provider: 'anthropic' }, (f) =>
      f === 'top_k' ? 'top_k' : 'logprobs',
    );
    expect(error.code).toBe('unsupported_parameter');
    expect(error.spec.httpStatus).toBe(400);
    expect(error.spec.tryNextTarget).toBe(true);
    expect(error.details.param).toBe('logprobs');
    expect(error.message).toContain("'logprobs', 'top_k'");
  });
});
