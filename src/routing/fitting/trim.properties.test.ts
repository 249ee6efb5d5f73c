import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TokenizerFamily } from '../../core/model.ts';
import type { ChatRequest, Message } from '../../core/request.ts';
import { countPromptTokens } from '../../features/tokens.ts';
import {
  assistant,
  conversation,
  deepFreeze,
  system,
  textOf,
  toolCalls,
  toolPairsIntact,
  toolResult,
  user,
  userWithImage,
} from './testing.ts';
import { trimToFit } from './trim.ts';

const SENTENCES = [
  'The shipment left Rotterdam on Friday.',
  'Dr. Patel asked whether the 3.5% surcharge is refundable.',
  'Why did customs hold it for 36 hours?',
  'Nobody at the depot knew!',
  'The U.S. office, e.g. the Chicago team, reported the same delay.',
  'She said, "We will know more tomorrow."',
  'Then the line went quiet...',
  '- check the manifest\n',
  '荷物は明日届く予定です。',
  'A single very long sentence that keeps going with clause after clause about pallets, trucks, ' +
    'scanners, customs forms, weather reports and the many reasons a parcel can be late in winter',
];

const text = fc
  .array(fc.constantFrom(...SENTENCES), { minLength: 1, maxLength: 6 })
  .map((sentences) => sentences.join(' '));

let callCounter = 0;
/** An assistant step that calls tools, followed by all its results. */
const toolStep = fc.array(text, { minLength: 1, maxLength: 3 }).map((results): Message[] => {
  const ids = results.map(() => `call_${++callCounter}`);
  return [
    toolCalls(...ids.map((id) => ({ id, name: 'lookup', arguments: `{"id":"${id}"}` }))),
    ...results.map((result, index) => toolResult(ids[index]!, result)),
  ];
});

const turn = fc
  .record({
    question: fc.oneof(
      { weight: 4, arbitrary: text.map(user) },
      { weight: 1, arbitrary: text.map(userWithImage) },
    ),
    steps: fc.array(toolStep, { maxLength: 2 }),
    answer: text.map(assistant),
    reminder: fc.option(text.map(system), { freq: 8 }),
  })
  .map(({ question, steps, answer, reminder }): Message[] => [
    question,
    ...steps.flat(),
    answer,
    ...(reminder === null ? [] : [reminder]),
  ]);

const scenario = fc.record({
  system: fc.option(text.map(system), { freq: 4 }),
  history: fc.array(turn, { maxLength: 5 }),
  latest: fc.oneof(
    { weight: 4, arbitrary: text.map(user) },
    { weight: 1, arbitrary: text.map(userWithImage) },
  ),
  agentSteps: fc.array(toolStep, { maxLength: 2 }),
  family: fc.constantFrom<TokenizerFamily>('estimate', 'o200k'),
  budgetPermille: fc.integer({ min: 0, max: 1100 }),
  reserve: fc.option(fc.nat({ max: 400 })),
});

function pinnedOnly(request: ChatRequest): ChatRequest {
  const latest = request.messages.findLastIndex((message) => message.role === 'user');
  return {
    ...request,
    messages: request.messages.filter((message, index) => message.role === 'system' || index === latest),
  };
}

describe('trimToFit properties', () => {
  it('fits within the budget keeping the latest user turn, or says it cannot; tool pairs stay whole', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const messages = [
          ...(input.system === null ? [] : [input.system]),
          ...input.history.flat(),
          input.latest,
          ...input.agentSteps.flat(),
        ];
        const request = deepFreeze(conversation(messages));
        const full = countPromptTokens(request, input.family);
        const budget = Math.floor((full * input.budgetPermille) / 1000);
        const result = trimToFit(request, {
          budgetTokens: budget,
          family: input.family,
          ...(input.reserve === null ? {} : { reservedForLatestTurn: input.reserve }),
        });
        const kept = result.request.messages;

        expect(result.promptTokens).toBe(countPromptTokens(result.request, input.family));
        expect(toolPairsIntact(kept)).toBe(true);
        expect(kept.find((message) => message.role !== 'system')?.role).toBe('user');
        const dropped = result.actions.reduce(
          (sum, action) => sum + (action.kind === 'dropped-messages' ? action.count : 0),
          0,
        );
        expect(kept.length).toBe(messages.length - dropped);
        // Whenever the pinned messages fit on their own, trimming must succeed.
        if (countPromptTokens(pinnedOnly(request), input.family) <= budget) expect(result.fits).toBe(true);
        if (!result.fits) return;

        expect(result.promptTokens).toBeLessThanOrEqual(budget);
        const latestKept = kept.findLast((message) => message.role === 'user');
        expect(textOf(latestKept)).not.toBe('');
        expect(textOf(input.latest).endsWith(textOf(latestKept))).toBe(true);
        expect(latestKept?.content.filter((part) => part.type === 'image')).toEqual(
          input.latest.content.filter((part) => part.type === 'image'),
        );
      }),
      { numRuns: 300 },
    );
  });
});
