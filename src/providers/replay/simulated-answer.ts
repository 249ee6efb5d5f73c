/**
 * `on_miss: simulate`: a prompt with no recording gets the simulator's seeded prose instead, so a config
 * can still be run end to end on a data set that recorded only some models. Plain text only: a recording
 * never holds tool calls or JSON, so neither does its stand-in.
 */

import type { ChatRequest } from '../../core/request.ts';
import { generateCompletion } from '../../sim/content.ts';
import type { SimPrompt } from '../../sim/types.ts';

export interface SimulatedAnswer {
  readonly text: string;
  readonly outputTokens: number;
  readonly finishedByLength: boolean;
}

export function simulateAnswer(
  request: ChatRequest,
  upstreamModel: string,
  seed: number,
  promptTokens: number,
): SimulatedAnswer {
  const prompt: SimPrompt = {
    model: upstreamModel,
    messages: request.messages.map((message) => ({
      role: message.role,
      text: message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
      imageCount: message.content.filter((part) => part.type === 'image').length,
    })),
    tools: [],
    toolChoice: { kind: 'none' },
    parallelToolCalls: false,
    responseFormat: { kind: 'text' },
    maxTokens: request.maxOutputTokens,
    stop: request.sampling.stop ?? [],
    stream: request.stream,
    includeUsage: request.includeUsage,
    overheadText: '',
  };
  const completion = generateCompletion(prompt, seed, promptTokens);
  const text = completion.steps.map((step) => (step.kind === 'text' ? step.text : '')).join('');
  return {
    text: text.trimStart(),
    outputTokens: completion.completionTokens,
    finishedByLength: completion.finishReason === 'length',
  };
}
