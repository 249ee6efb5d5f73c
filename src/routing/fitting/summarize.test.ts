import { describe, expect, it } from 'vitest';
import type { ChatRequest, Message } from '../../core/request.ts';
import { countPromptTokens } from '../../features/tokens.ts';
import { messageTokens } from './message-trim.ts';
import { type SummarizeOptions, type Summarizer, summarizeToFit, summaryPrompt } from './summarize.ts';
import { SummaryCache } from './summary-cache.ts';
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
} from './testing.ts';
import { trimToFit } from './trim.ts';

const family = 'o200k';
const RESERVE = 64;
const tokensOf = (messages: readonly Message[]): number => countPromptTokens(conversation(messages), family);

const SYSTEM = system('You are a support assistant for Northwind Freight. Cite order numbers.');
const TURNS: readonly Message[] = [
  user('My order 4471 was due on Monday. It still shows "in transit". What is going on?'),
  assistant('Order 4471 was held at customs in Rotterdam for 36 hours and is now on a truck to your hub.'),
  user('I run a bakery and the order is flour for the week. Can the 3.5% express surcharge be refunded?'),
  assistant('Yes. The express surcharge is refunded automatically when a delivery is more than a day late.'),
  user('Good. Can you also check order 4502, the one with the baking trays?'),
  assistant('Order 4502 is at the hub and goes out for delivery tomorrow morning.'),
  user('Will both orders come on the same truck, or separately?'),
  assistant('Separately: 4471 arrives on Wednesday afternoon, 4502 on Tuesday morning.'),
];
const LATEST = user('Thanks! Will 4471 arrive before Thursday? We bake for a wedding that day.');

interface Call {
  readonly messages: readonly Message[];
  readonly previousSummary: string | undefined;
  readonly maxTokens: number;
}

function fakeSummarizer(reply?: (call: Call) => Promise<string>): { calls: Call[]; summarize: Summarizer } {
  const calls: Call[] = [];
  const summarize: Summarizer = async (messages, previousSummary, maxTokens) => {
    const call = { messages, previousSummary, maxTokens };
    calls.push(call);
    return reply === undefined ? `Summary ${calls.length}.` : reply(call);
  };
  return { calls, summarize };
}

/** Options whose budget holds exactly `kept` beside the summary reserve. */
function optionsFor(
  kept: readonly Message[],
  summarize: Summarizer,
  overrides: Partial<SummarizeOptions> = {},
): SummarizeOptions {
  return {
    budgetTokens: tokensOf(kept) + RESERVE,
    family,
    conversationId: 'conv-1',
    cache: new SummaryCache(16),
    summarize,
    reservedForSummary: RESERVE,
    ...overrides,
  };
}

const summaryOf = (request: ChatRequest): Message | undefined => request.messages[1];

describe('summarizeToFit', () => {
  it('returns the request itself, with no call, when it already fits', async () => {
    const { calls, summarize } = fakeSummarizer();
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor(request.messages, summarize);
    const result = await summarizeToFit(request, options);
    expect(result.request).toBe(request);
    expect(result.actions).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('replaces the older turns with one summary, keeping the system prompt, recent turns and latest turn', async () => {
    const { calls, summarize } = fakeSummarizer();
    const request = deepFreeze(conversation([SYSTEM, ...TURNS, LATEST]));
    const snapshot = structuredClone(request);
    const kept = [SYSTEM, ...TURNS.slice(4), LATEST];
    const options = optionsFor(kept, summarize);
    const result = await summarizeToFit(request, options);

    expect(calls).toHaveLength(1);
    expect(calls[0]!.messages).toEqual(TURNS.slice(0, 4));
    expect(calls[0]!.previousSummary).toBeUndefined();
    const summary = summaryOf(result.request)!;
    expect(summary.role).toBe('system');
    expect(textOf(summary)).toMatch(/^Summary of the earlier conversation.*\n\nSummary 1\.$/su);
    expect(calls[0]!.maxTokens).toBe(RESERVE - messageTokens(system(textOf(summary).slice(0, -10)), family));
    expect(result.request.messages).toEqual([SYSTEM, summary, ...TURNS.slice(4), LATEST]);

    expect(result.fits).toBe(true);
    expect(result.promptTokens).toBe(countPromptTokens(result.request, family));
    expect(result.promptTokens).toBeLessThanOrEqual(options.budgetTokens);
    expect(result.actions).toEqual([
      {
        kind: 'summarized',
        count: 4,
        indices: [1, 2, 3, 4],
        fromTokens: TURNS.slice(0, 4).reduce((sum, message) => sum + messageTokens(message, family), 0),
        summaryTokens: messageTokens(summary, family),
        cached: false,
        reusedMessages: 0,
        cut: 'none',
      },
    ]);
    expect(JSON.parse(JSON.stringify(result.actions))).toEqual(result.actions);
    expect(request).toEqual(snapshot);
  });

  it('never parts a tool call from its results, and keeps a user message first', async () => {
    const { calls, summarize } = fakeSummarizer();
    const history = [
      ...TURNS.slice(0, 3),
      toolCalls(
        { id: 'c1', name: 'track', arguments: '{"order":4471}' },
        { id: 'c2', name: 'refund', arguments: '{}' },
      ),
      toolResult('c1', 'Order 4471: at the regional hub, delivery window Wednesday 14:00-18:00.'),
      toolResult('c2', 'Surcharge refund of 3.5% queued.'),
      ...TURNS.slice(3),
    ];
    const request = conversation([SYSTEM, ...history, LATEST]);
    // Room for the second tool result onwards: it cannot go without its call, and an assistant cannot lead.
    const result = await summarizeToFit(
      request,
      optionsFor([SYSTEM, ...history.slice(5), LATEST], summarize),
    );

    expect(calls[0]!.messages).toEqual(history.slice(0, 7));
    expect(toolPairsIntact(calls[0]!.messages)).toBe(true);
    expect(result.request.messages).toEqual([SYSTEM, summaryOf(result.request), ...history.slice(7), LATEST]);
    expect(toolPairsIntact(result.request.messages)).toBe(true);
    expect(result.fits).toBe(true);
  });

  it("keeps the current turn's tool steps and summarises only what came before the latest user turn", async () => {
    const { calls, summarize } = fakeSummarizer();
    const steps = [
      toolCalls({ id: 'c1', name: 'track', arguments: '{"order":4471}' }),
      toolResult('c1', 'Order 4471: delivery window Wednesday 14:00-18:00.'),
    ];
    const request = conversation([SYSTEM, ...TURNS, LATEST, ...steps]);
    const result = await summarizeToFit(request, optionsFor([SYSTEM, LATEST, ...steps], summarize));

    expect(calls[0]!.messages).toEqual(TURNS);
    expect(result.request.messages).toEqual([SYSTEM, summaryOf(result.request), LATEST, ...steps]);
    expect(result.fits).toBe(true);
  });

  it('shortens a long summary at sentence boundaries so the request fits', async () => {
    const sentence = 'Order 4471 was held at customs in Rotterdam for 36 hours before going to the hub. ';
    const { summarize } = fakeSummarizer(async () => sentence.repeat(40));
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], summarize);
    const result = await summarizeToFit(request, options);

    const summaryText = textOf(summaryOf(result.request)).split('\n\n')[1]!;
    expect(summaryText.length).toBeGreaterThan(0);
    expect(sentence.repeat(40).startsWith(summaryText)).toBe(true);
    expect(summaryText.endsWith('hub.')).toBe(true);
    expect(result.actions[0]).toMatchObject({ kind: 'summarized', cut: 'sentence' });
    expect(result.fits).toBe(true);
    expect(result.promptTokens).toBeLessThanOrEqual(options.budgetTokens);
  });

  it('adds no message for a blank summary', async () => {
    const { summarize } = fakeSummarizer(async () => '  \n');
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const result = await summarizeToFit(request, optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], summarize));
    expect(result.request.messages).toEqual([SYSTEM, ...TURNS.slice(4), LATEST]);
    expect(result.actions[0]).toMatchObject({ kind: 'summarized', count: 4, summaryTokens: 0 });
  });

  it('reserves a quarter of the budget for the summary by default', async () => {
    const { calls, summarize } = fakeSummarizer();
    const bulky = TURNS.map((message) => ({
      ...message,
      content: [{ type: 'text' as const, text: textOf(message).repeat(8) }],
    }));
    const request = conversation([SYSTEM, ...bulky, LATEST]);
    const budgetTokens = Math.floor(countPromptTokens(request, family) / 2);
    const { reservedForSummary: _, ...defaults } = optionsFor([], summarize, { budgetTokens });
    const result = await summarizeToFit(request, defaults);

    const allowance = Math.floor((budgetTokens - tokensOf([])) / 4);
    const framing = messageTokens(system(textOf(summaryOf(result.request)).slice(0, -10)), family);
    expect(calls[0]!.maxTokens).toBe(allowance - framing);
    expect(result.fits).toBe(true);
    expect(result.promptTokens).toBeLessThanOrEqual(budgetTokens);
  });

  it('serves a retry from the cache without a call', async () => {
    const { calls, summarize } = fakeSummarizer();
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], summarize);
    const first = await summarizeToFit(request, options);
    const retry = await summarizeToFit(request, options);

    expect(calls).toHaveLength(1);
    expect(retry.request).toEqual(first.request);
    expect(retry.actions[0]).toMatchObject({ cached: true, reusedMessages: 4 });
  });

  it('summarises a later turn incrementally, from the cached summary', async () => {
    const { calls, summarize } = fakeSummarizer();
    const cache = new SummaryCache(16);
    const turn1 = conversation([SYSTEM, ...TURNS.slice(0, 6), user('And the trays?')]);
    await summarizeToFit(
      turn1,
      optionsFor([SYSTEM, ...TURNS.slice(4, 6), user('And the trays?')], summarize, { cache }),
    );
    const history2 = [...TURNS.slice(0, 6), user('And the trays?'), assistant('They ship with 4502.')];
    const turn2 = conversation([SYSTEM, ...history2, LATEST]);
    const result = await summarizeToFit(
      turn2,
      optionsFor([SYSTEM, ...history2.slice(6), LATEST], summarize, { cache }),
    );

    expect(calls).toHaveLength(2);
    expect(calls[1]!.messages).toEqual(TURNS.slice(4, 6));
    expect(calls[1]!.previousSummary).toBe('Summary 1.');
    expect(textOf(summaryOf(result.request))).toMatch(/Summary 2\.$/u);
    expect(result.actions[0]).toMatchObject({ count: 6, cached: false, reusedMessages: 4 });
  });

  it('does not reuse a summary once the history it covers was edited', async () => {
    const { calls, summarize } = fakeSummarizer();
    const cache = new SummaryCache(16);
    const kept = [SYSTEM, ...TURNS.slice(4), LATEST];
    await summarizeToFit(conversation([SYSTEM, ...TURNS, LATEST]), optionsFor(kept, summarize, { cache }));
    const edited = [user('My order 4472 was due on Monday. What is going on?'), ...TURNS.slice(1)];
    await summarizeToFit(conversation([SYSTEM, ...edited, LATEST]), optionsFor(kept, summarize, { cache }));

    expect(calls).toHaveLength(2);
    expect(calls[1]!.messages).toEqual(edited.slice(0, 4));
    expect(calls[1]!.previousSummary).toBeUndefined();
  });

  it('neither caches nor reuses without a conversation id', async () => {
    const { calls, summarize } = fakeSummarizer();
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], summarize, { conversationId: undefined });
    await summarizeToFit(request, options);
    await summarizeToFit(request, options);
    expect(calls).toHaveLength(2);
    expect(options.cache.size).toBe(0);
  });

  it('shares one summarisation between concurrent requests', async () => {
    let release: (summary: string) => void = () => undefined;
    const pending = new Promise<string>((resolve) => (release = resolve));
    const { calls, summarize } = fakeSummarizer(() => pending);
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], summarize);
    const both = Promise.all([summarizeToFit(request, options), summarizeToFit(request, options)]);
    release('Shared summary.');
    const [first, second] = await both;

    expect(calls).toHaveLength(1);
    expect(second.request).toEqual(first.request);
    expect(textOf(summaryOf(first.request))).toMatch(/Shared summary\.$/u);
    expect(second.actions[0]).toMatchObject({ cached: true });
  });

  it('propagates a failed summarisation and does not cache it', async () => {
    const failure = new Error('summariser unavailable');
    const failing = fakeSummarizer(() => Promise.reject(failure));
    const request = conversation([SYSTEM, ...TURNS, LATEST]);
    const options = optionsFor([SYSTEM, ...TURNS.slice(4), LATEST], failing.summarize);
    await expect(summarizeToFit(request, options)).rejects.toBe(failure);

    const working = fakeSummarizer();
    const result = await summarizeToFit(request, { ...options, summarize: working.summarize });
    expect(working.calls).toHaveLength(1);
    expect(result.actions[0]).toMatchObject({ cached: false });
  });

  it('trims as trimToFit does, without a call, when the pinned messages leave no room for a summary', async () => {
    const { calls, summarize } = fakeSummarizer();
    const longSystem = system(`${'Always cite the order number. '.repeat(60)}`);
    const request = deepFreeze(conversation([longSystem, ...TURNS, LATEST]));
    const options = optionsFor([longSystem, LATEST], summarize, {
      budgetTokens: tokensOf([longSystem, LATEST]),
    });
    const result = await summarizeToFit(request, options);

    expect(result).toEqual(trimToFit(request, options));
    expect(result.actions[0]).toMatchObject({ kind: 'dropped-messages' });
    expect(calls).toHaveLength(0);
  });

  it('trims as trimToFit does when there is no history before the latest turn', async () => {
    const { calls, summarize } = fakeSummarizer();
    const request = conversation([SYSTEM, user('Hello. '.repeat(200))]);
    const options = optionsFor([SYSTEM, user('Hello.')], summarize);
    const result = await summarizeToFit(request, options);

    expect(result).toEqual(trimToFit(request, options));
    expect(calls).toHaveLength(0);
  });
});

describe('summaryPrompt', () => {
  const messages = [
    TURNS[0]!,
    toolCalls({ id: 'c1', name: 'track', arguments: '{"order":4471}' }),
    { ...toolResult('c1', 'Not found.'), isError: true },
  ];

  it('asks for a bounded summary of the conversation as a transcript', () => {
    const [instruction, body] = summaryPrompt(messages, undefined, 200);
    expect(instruction?.role).toBe('system');
    expect(textOf(instruction)).toContain('at most 150 words');
    expect(textOf(instruction)).toContain('language of the conversation');
    expect(body?.role).toBe('user');
    expect(textOf(body)).toBe(
      '<transcript>\n' +
        `User: ${textOf(TURNS[0])}\n\n` +
        'Assistant: \nAssistant called tool track [c1] with {"order":4471}\n\n' +
        'Tool result [c1] (failed): Not found.\n' +
        '</transcript>',
    );
  });

  it('asks to update the previous summary with the new messages', () => {
    const [instruction, body] = summaryPrompt(messages.slice(0, 1), 'Order 4471 is late.', 200);
    expect(textOf(instruction)).toContain('Update the summary so far');
    expect(textOf(body)).toMatch(/^<summary>\nOrder 4471 is late\.\n<\/summary>\n\n<new-messages>\nUser: /u);
  });
});
