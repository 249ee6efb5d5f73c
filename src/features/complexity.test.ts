import { describe, expect, it } from 'vitest';
import type { ChatRequest, Message } from '../core/request.ts';
import { assessComplexity, DEFAULT_COMPLEXITY, type ComplexityTier } from './complexity.ts';

function ask(text: string, extra: Partial<ChatRequest> = {}, history: Message[] = []): ChatRequest {
  return {
    model: 'auto',
    messages: [...history, { role: 'user', content: [{ type: 'text', text }] }],
    sampling: {},
    stream: false,
    includeUsage: false,
    metadata: {},
    ...extra,
  };
}

const turn = (role: 'user' | 'assistant', text: string): Message => ({
  role,
  content: [{ type: 'text', text }],
});
const longHistory = Array.from({ length: 8 }, (_, index) =>
  turn(index % 2 === 0 ? 'user' : 'assistant', `Message ${index} about the migration plan.`),
);

/** The labelled sanity set: what a person would call each request. */
const SANITY_SET: readonly (readonly [ComplexityTier, ChatRequest])[] = [
  ['trivial', ask('hi')],
  ['trivial', ask('What is the capital of France?')],
  ['trivial', ask('Translate "good morning" to Spanish.')],
  ['trivial', ask('thanks, that worked!')],
  ['trivial', ask('Who wrote Pride and Prejudice?')],
  ['trivial', ask('Set a timer for 10 minutes')],
  ['trivial', ask('What time zone is Tokyo in?')],
  ['trivial', ask('Give me a synonym for happy.')],
  ['trivial', ask('How many ounces are in a pound?')],
  ['trivial', ask('Is it going to rain tomorrow in Paris?')],
  ['bounded', ask('Explain why the sky is blue, and compare it with why sunsets are red.')],
  ['bounded', ask('Write a Python function that checks whether a string is a palindrome.')],
  [
    'bounded',
    ask('Why does this throw? `const x = null; x.foo();` TypeError: cannot read properties of null'),
  ],
  ['bounded', ask('Solve for x: 3x + 7 = 22, and show the steps.')],
  [
    'bounded',
    ask(
      'Summarise the following paragraph in two sentences. The quarterly results showed revenue growth of twelve percent, driven mostly by the new subscription tier, while costs rose faster than expected because of cloud spending and two large hiring rounds in engineering and sales.',
    ),
  ],
  [
    'bounded',
    ask('Draft a short, polite email to my landlord asking to fix the heating. Do not mention the rent.'),
  ],
  ['bounded', ask('What are the pros and cons of PostgreSQL versus MySQL for a small web app?')],
  ['bounded', ask('Can you continue with the next step?', {}, longHistory)],
  ['bounded', ask('List five ideas for a birthday party, in bullet points, each under ten words.')],
  ['bounded', ask('Debug this SQL: SELECT name FROM users WHERE id = (SELECT id FROM orders);')],
  [
    'extended',
    ask(
      'Write a comprehensive 2000-word essay analysing the economic causes of the 2008 financial crisis, comparing the roles of regulators, banks and rating agencies, and evaluate which reforms since then have worked.',
    ),
  ],
  [
    'extended',
    ask(
      'Design the architecture for a multi-tenant SaaS billing system. It must support usage-based pricing, must never double-charge, and should handle currency conversion. Explain the trade-offs of each component and give a step-by-step migration plan from our current monolith.',
    ),
  ],
  [
    'extended',
    ask(
      'Prove that the sum of the first n odd numbers equals n^2, then derive a closed form for the sum of squares \\sum_{k=1}^n k^2 and explain why induction works here.',
    ),
  ],
  [
    'extended',
    ask(
      'Refactor this module for testability and explain each change:\n```ts\nexport function load(path) {\n  const text = fs.readFileSync(path);\n  return JSON.parse(text);\n}\n```\nIt must keep the same API, must not add dependencies, and should include unit tests.',
    ),
  ],
  ['extended', ask('Write a detailed report on our options.', { maxOutputTokens: 8_000 }, longHistory)],
  [
    'extended',
    ask(
      'Implement a complete, production-ready rate limiter in Go with a token bucket per API key, Redis as the shared store, and Prometheus metrics. Explain the design, analyse the failure modes, and make sure it handles clock skew between replicas.',
    ),
  ],
];

describe('complexity tier', () => {
  it.each(SANITY_SET.map(([tier, request]) => [tier, request.messages.at(-1)?.content[0], request] as const))(
    '%s: %j',
    (tier, _text, request) => {
      const assessment = assessComplexity(request);
      expect(assessment.tier, JSON.stringify(assessment)).toBe(tier);
    },
  );

  it('scores more for more of each feature, and the thresholds are tunable', () => {
    const short = assessComplexity(ask('Explain recursion.'));
    const long = assessComplexity(ask(`Explain recursion. ${'Give many details about it. '.repeat(40)}`));
    expect(long.features.length).toBeGreaterThan(short.features.length);
    expect(long.score).toBeGreaterThan(short.score);
    const strict = { ...DEFAULT_COMPLEXITY, boundedAt: 0.1, extendedAt: 0.2 };
    expect(assessComplexity(ask('Explain recursion and why it works.'), strict).tier).toBe('extended');
    const noReasoning = { ...DEFAULT_COMPLEXITY, weights: { ...DEFAULT_COMPLEXITY.weights, reasoning: 0 } };
    expect(assessComplexity(ask('Explain why.'), noReasoning).score).toBe(0);
  });

  it('reads only the last user turn for the text features', () => {
    const history = [
      turn('user', 'Write a 3000-word essay on design trade-offs.'),
      turn('assistant', 'Done.'),
    ];
    const assessment = assessComplexity(ask('thanks!', {}, history));
    expect(assessment.features.output_size).toBe(0);
    expect(assessment.features.reasoning).toBe(0);
  });
});
