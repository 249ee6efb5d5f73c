import { describe, expect, it } from 'vitest';
import type { Message } from '../../core/request.ts';
import { countPromptTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY } from '../../features/tokens.ts';
import { messageTokens } from './message-trim.ts';
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

const family = 'o200k';
const tokensOf = (messages: readonly Message[]): number => countPromptTokens(conversation(messages), family);

const SYSTEM =
  'You are a support assistant for Northwind Freight. Answer in plain English. Cite the order number ' +
  'when you refer to an order. Never promise a delivery date the tracking data does not support.';

const HISTORY: readonly Message[] = [
  user('My order 4471 was due on Monday. It still shows "in transit". What is going on?'),
  assistant(
    'Order 4471 left the Rotterdam depot on Friday. It was held at customs for 36 hours. ' +
      'It is now on a truck to your regional hub.',
  ),
  user(
    'I run a small bakery and the order is flour for the week. We already bought 20 kg locally at ' +
      'twice the price. Dr. Patel, our accountant, asked whether we can claim the difference. ' +
      'Is a refund of the 3.5% express surcharge possible at least?',
  ),
  assistant('Yes. The express surcharge is refunded automatically when a delivery is more than a day late.'),
  user('Good. Can you also check order 4502?'),
  assistant('Order 4502 is at the hub and goes out for delivery tomorrow morning.'),
];
const LATEST = user('Thanks! Will 4471 arrive before Thursday? We bake for a wedding that day.');

describe('trimToFit', () => {
  it('returns the request itself when it already fits', () => {
    const request = conversation([system(SYSTEM), ...HISTORY, LATEST]);
    const budget = countPromptTokens(request, family);
    const result = trimToFit(request, { budgetTokens: budget, family });
    expect(result).toEqual({ request, fits: true, promptTokens: budget, actions: [] });
    expect(result.request).toBe(request);
  });

  it('drops the oldest turns first, keeping the system prompt and the latest user turn', () => {
    const request = conversation([system(SYSTEM), ...HISTORY, LATEST]);
    const kept = [system(SYSTEM), ...HISTORY.slice(4), LATEST];
    const budget = tokensOf(kept);
    const result = trimToFit(request, { budgetTokens: budget, family });

    expect(result.request.messages).toEqual(kept);
    expect(result.fits).toBe(true);
    expect(result.promptTokens).toBe(countPromptTokens(result.request, family));
    expect(result.promptTokens).toBeLessThanOrEqual(budget);
    const droppedTokens = HISTORY.slice(0, 4).reduce(
      (sum, message) => sum + messageTokens(message, family),
      0,
    );
    expect(result.actions).toEqual([
      { kind: 'dropped-messages', count: 4, tokens: droppedTokens, indices: [1, 2, 3, 4] },
    ]);
  });

  it('keeps the end of the one old user message that is partly needed, in whole sentences', () => {
    const request = conversation([system(SYSTEM), ...HISTORY, LATEST]);
    const lastSentence = 'Is a refund of the 3.5% express surcharge possible at least?';
    const partial = user(lastSentence);
    const budget = tokensOf([system(SYSTEM), partial, ...HISTORY.slice(3), LATEST]);
    const result = trimToFit(request, { budgetTokens: budget, family });

    expect(result.request.messages).toEqual([system(SYSTEM), partial, ...HISTORY.slice(3), LATEST]);
    expect(result.actions).toEqual([
      {
        kind: 'dropped-messages',
        count: 2,
        tokens: messageTokens(HISTORY[0]!, family) + messageTokens(HISTORY[1]!, family),
        indices: [1, 2],
      },
      {
        kind: 'trimmed-message',
        index: 3,
        role: 'user',
        kept: 'end',
        boundary: 'sentence',
        fromTokens: messageTokens(HISTORY[2]!, family),
        toTokens: messageTokens(partial, family),
      },
    ]);
  });

  it('never lets the kept history open with an assistant message', () => {
    const request = conversation([system(SYSTEM), ...HISTORY, LATEST]);
    // Room for the last assistant reply and one token more, but not for the user message before it.
    const budget = tokensOf([system(SYSTEM), HISTORY[5]!, LATEST]) + 1;
    const result = trimToFit(request, { budgetTokens: budget, family });
    expect(result.request.messages).toEqual([system(SYSTEM), LATEST]);
    expect(result.fits).toBe(true);
  });

  it('drops a tool call together with all its results, oldest agent step first', () => {
    const steps = [
      toolCalls(
        { id: 'call_a', name: 'track', arguments: '{"order":"4471"}' },
        { id: 'call_b', name: 'track', arguments: '{"order":"4502"}' },
      ),
      toolResult('call_a', 'Order 4471: customs cleared 14:02, loaded on truck NL-88, ETA hub Wed 09:00.'),
      toolResult('call_b', 'Order 4502: at hub, out for delivery Tue 07:30.'),
      toolCalls({ id: 'call_c', name: 'eta', arguments: '{"truck":"NL-88"}' }),
      toolResult('call_c', 'Truck NL-88 is on schedule; last ping near Utrecht.'),
    ];
    const request = conversation([system(SYSTEM), LATEST, ...steps]);
    const budget = countPromptTokens(request, family) - 1;
    const result = trimToFit(request, { budgetTokens: budget, family });

    expect(result.request.messages).toEqual([system(SYSTEM), LATEST, ...steps.slice(3)]);
    expect(result.actions).toEqual([
      {
        kind: 'dropped-messages',
        count: 3,
        tokens: steps.slice(0, 3).reduce((sum, message) => sum + messageTokens(message, family), 0),
        indices: [2, 3, 4],
      },
    ]);
    expect(toolPairsIntact(result.request.messages)).toBe(true);
  });

  it('keeps a message with an image whole or drops it whole, where a text-only one is trimmed', () => {
    const words = 'Here is the delivery chart for March. The spike is the customs strike.';
    const reply = assistant('I see the spike.');
    const textOnly = conversation([system(SYSTEM), user(words), reply, LATEST]);
    // Room for everything but a few tokens of the first user message.
    const textResult = trimToFit(textOnly, { budgetTokens: countPromptTokens(textOnly, family) - 5, family });
    expect(textResult.request.messages).toEqual([
      system(SYSTEM),
      user('The spike is the customs strike.'),
      reply,
      LATEST,
    ]);

    const withImage = conversation([system(SYSTEM), userWithImage(words), reply, LATEST]);
    const imageResult = trimToFit(withImage, {
      budgetTokens: countPromptTokens(withImage, family) - 5,
      family,
    });
    expect(imageResult.request.messages).toEqual([system(SYSTEM), LATEST]);
    expect(imageResult.fits).toBe(true);
  });

  it('keeps the start of the system prompt and the end of the latest user turn when they alone are too long', () => {
    const longSystem = system(`${SYSTEM} ${SYSTEM} ${SYSTEM}`);
    const longUser = user(
      'Here is the full delivery log you asked for. Every line is a scan event. ' +
        'Scan one was at the depot in Rotterdam at 06:12. Scan two was at customs, where the pallet waited ' +
        'for an inspector. Scan three was on the truck NL-88, which left at 14:30. Scan four was a delay ' +
        'notice citing traffic near Utrecht. Scan five was the arrival at the regional hub. ' +
        'Given all that, will order 4471 arrive before Thursday?',
    );
    const request = conversation([longSystem, ...HISTORY, longUser]);
    const budget = Math.floor((messageTokens(longSystem, family) + messageTokens(longUser, family)) * 0.6);
    const result = trimToFit(request, { budgetTokens: budget, family });

    expect(result.fits).toBe(true);
    expect(countPromptTokens(result.request, family)).toBeLessThanOrEqual(budget);
    const [keptSystem, keptUser, ...rest] = result.request.messages;
    expect(rest).toEqual([]);
    expect(textOf(longSystem).startsWith(textOf(keptSystem))).toBe(true);
    expect(textOf(keptSystem)).toMatch(/\.$/);
    expect(textOf(longUser).endsWith(textOf(keptUser))).toBe(true);
    expect(textOf(keptUser)).toMatch(/^[A-Z]/);
    expect(result.actions.map((action) => action.kind)).toEqual([
      'dropped-messages',
      'trimmed-message',
      'trimmed-message',
    ]);
    expect(result.actions.slice(1)).toMatchObject([
      { index: 0, role: 'system', kept: 'start', boundary: 'sentence' },
      { index: HISTORY.length + 1, role: 'user', kept: 'end', boundary: 'sentence' },
    ]);
  });

  it('keeps a short latest user turn whole and lets a long system prompt give way', () => {
    const longSystem = system(Array.from({ length: 8 }, () => SYSTEM).join(' '));
    const request = conversation([longSystem, LATEST]);
    const budget = tokensOf([LATEST]) + 40;
    const result = trimToFit(request, { budgetTokens: budget, family });
    expect(result.fits).toBe(true);
    expect(result.request.messages.at(-1)).toEqual(LATEST);
    expect(textOf(result.request.messages[0])).toMatch(
      /^You are a support assistant for Northwind Freight\./,
    );
  });

  it('holds the reserve for the latest user turn against a long system prompt', () => {
    const longSystem = system(Array.from({ length: 8 }, () => SYSTEM).join(' '));
    const longUser = user(Array.from({ length: 16 }, () => textOf(LATEST)).join(' '));
    const request = conversation([longSystem, longUser]);
    const budget = 200;
    const available = budget - TOKENS_PER_REPLY;
    const reserve = 150;
    const result = trimToFit(request, { budgetTokens: budget, family, reservedForLatestTurn: reserve });
    expect(result.fits).toBe(true);
    const [systemTrim, userTrim] = result.actions;
    expect(systemTrim).toMatchObject({ kind: 'trimmed-message', role: 'system' });
    expect(userTrim).toMatchObject({ kind: 'trimmed-message', role: 'user' });
    if (systemTrim?.kind !== 'trimmed-message' || userTrim?.kind !== 'trimmed-message') return;
    expect(systemTrim.toTokens).toBeLessThanOrEqual(available - reserve);
    expect(userTrim.toTokens).toBeGreaterThan(reserve - 30);
  });

  it('cuts the latest user turn between words when its last sentence alone is too long', () => {
    const rambling = user(
      'Please look into this. I have been waiting since Monday and the tracking page keeps saying in ' +
        'transit without any further detail about where the parcel is or when it will arrive here',
    );
    const request = conversation([system('Be brief.'), rambling]);
    const budget = tokensOf([system('Be brief.')]) + TOKENS_PER_MESSAGE + 12;
    const result = trimToFit(request, { budgetTokens: budget, family });
    expect(result.fits).toBe(true);
    expect(result.promptTokens).toBeLessThanOrEqual(budget);
    expect(textOf(rambling).endsWith(textOf(result.request.messages[1]))).toBe(true);
    expect(result.actions).toMatchObject([
      { kind: 'trimmed-message', index: 1, boundary: 'word', kept: 'end' },
    ]);
  });

  it('reports fits: false when even the trimmed pinned messages cannot fit', () => {
    const request = conversation([system(SYSTEM), ...HISTORY, LATEST]);
    const result = trimToFit(request, { budgetTokens: 6, family });
    expect(result.fits).toBe(false);
    expect(result.promptTokens).toBe(countPromptTokens(result.request, family));
  });

  it('reports fits: false when tool schemas alone exceed the budget', () => {
    const tools = [
      { name: 'track', description: 'Track an order by its number.', parameters: { type: 'object' } },
    ];
    const request = conversation([user('Where is 4471?')], tools);
    const result = trimToFit(request, { budgetTokens: 5, family });
    expect(result.fits).toBe(false);
  });

  it('never changes the request it was given, and its actions survive JSON', () => {
    const request = deepFreeze(conversation([system(SYSTEM), ...HISTORY, LATEST]));
    const snapshot = structuredClone(request);
    const result = trimToFit(request, { budgetTokens: 90, family });
    expect(request).toEqual(snapshot);
    expect(JSON.parse(JSON.stringify(result.actions))).toEqual(result.actions);
  });
});
