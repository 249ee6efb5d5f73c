/**
 * `npm run bench:routing`: the cost of one routing decision, in process — signals, 20 compiled rules,
 * filters and the decision record — for a ~2k-token chat. Two cases:
 *
 * - **without tokenization**: no rule reads `prompt_tokens`, and the context-window filter settles on its
 *   byte bound, so nothing is counted;
 * - **with tokenization**: the last rule reads `prompt_tokens`, and every message of every request is new
 *   (a counter suffix), so the token counter's cache never answers — a worst case: real conversations
 *   repeat their history, whose counts are cached.
 *
 * Two more: the last rule reads `complexity` (the text-feature tier), and no rule matches so a `learned`
 * route decides (featurise the whole chat, score four models, apply the policy).
 *
 * Prints p50/p99/mean per case as a markdown table. Flags: `--iterations N` (default 20000), `--warmup N`
 * (default 2000).
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigText } from '../src/config/load.ts';
import type { ChatRequest, Message } from '../src/core/request.ts';
import { createSignalRegistry } from '../src/features/signals/index.ts';
import type { OutcomeRecord } from '../src/learning/router/outcomes.ts';
import { trainRouter } from '../src/learning/router/train.ts';
import { createPlanner } from '../src/routing/plan.ts';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
  },
});
const ITERATIONS = Number(values.iterations);
const WARMUP = Number(values.warmup);

const MODELS = ['lite', 'mid', 'strong', 'long'];

/** 19 rules over cheap signals, then one more: `tail` decides whether it reads prompt_tokens. */
function configText(tail: string, defaultRoute = '  - name: default\n    targets: [lite, mid]'): string {
  const rules = [
    'tenant == "bank"',
    'metadata.team in ["legal", "compliance"]',
    'priority == "high" && convo_length > 2',
    'has_images',
    'json_mode && tool_count > 3',
    'metadata.region == "eu"',
    'convo_length > 20',
    'model matches "^claude-"',
    'char_count > 400000',
    'last_user_chars > 20000',
    'user == "load-test"',
    'metadata.tier == "free" && priority == "low"',
    'stream && has_tools && tool_count > 10',
    'message_count > 60',
    'metadata.experiment == "b"',
    'max_output_tokens > 30000',
    '!(priority in ["low", "normal", "high"])',
    'metadata.customer == "acme" || metadata.customer == "globex"',
    'tenant in ["a", "b", "c", "d", "e", "f"]',
    tail,
  ];
  const models = MODELS.map(
    (id, index) => `
  ${id}:
    provider: upstream
    context_window: ${[128_000, 128_000, 200_000, 1_000_000][index]}
    pricing: { input_per_million: 1, output_per_million: 2 }`,
  ).join('');
  const routes = rules
    .map(
      (rule, index) => `
  - name: r${index}
    match: '${rule}'
    targets: [${MODELS[index % MODELS.length]}, long]`,
    )
    .join('');
  return `
providers:
  upstream: { type: openai-compatible, base_url: http://127.0.0.1:9/v1 }
models:${models}
routes:${routes}
${defaultRoute}
default_route: default
`;
}

/** A support conversation of ~2,000 tokens: a system prompt and eight turns. */
function chat(suffix: string): ChatRequest {
  const paragraph =
    'The shipment left the Rotterdam warehouse on Tuesday and was scanned at the Antwerp hub the next ' +
    'morning; the carrier reports a delay at customs because the invoice lists the wrong HS code. ';
  // Every message carries the suffix, so no text repeats between requests and no count is cached.
  const messages: Message[] = [
    {
      role: 'system',
      content: [{ type: 'text', text: `You are a logistics assistant ${suffix}. ${paragraph}` }],
    },
  ];
  for (let turn = 0; turn < 8; turn++) {
    messages.push({ role: 'user', content: [{ type: 'text', text: `${suffix} ${paragraph.repeat(4)}` }] });
    messages.push({
      role: 'assistant',
      content: [{ type: 'text', text: `${suffix} ${paragraph.repeat(2)}` }],
    });
  }
  messages.push({ role: 'user', content: [{ type: 'text', text: `What should I do next? ${suffix}` }] });
  return {
    model: 'auto',
    messages,
    sampling: {},
    maxOutputTokens: 512,
    stream: false,
    includeUsage: false,
    metadata: { team: 'support', region: 'us' },
  };
}

interface Row {
  readonly label: string;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly route: string;
}

async function measure(label: string, tail: string, defaultRoute?: string): Promise<Row> {
  const config = await loadConfigText(configText(tail, defaultRoute), {
    source: 'bench-routing.yaml',
    baseDir: routerDirectory,
  });
  const planner = createPlanner(config);
  const signals = createSignalRegistry();
  const headers = { 'x-switchyard-priority': 'normal' };
  const requests = Array.from({ length: WARMUP + ITERATIONS }, (_, index) => chat(`(ticket ${index})`));
  const timings = new Float64Array(ITERATIONS);
  let route = '';
  for (let index = 0; index < requests.length; index++) {
    const request = requests[index]!;
    const started = performance.now();
    const plan = planner.plan(request, signals.valuesFor({ request, headers }));
    const elapsed = performance.now() - started;
    if (index >= WARMUP) timings[index - WARMUP] = elapsed;
    route = plan.route;
  }
  timings.sort();
  const micros = (ms: number): number => Math.round(ms * 1000 * 10) / 10;
  const sum = timings.reduce((total, value) => total + value, 0);
  return {
    label,
    p50: micros(timings[Math.floor(ITERATIONS * 0.5)]!),
    p99: micros(timings[Math.floor(ITERATIONS * 0.99)]!),
    mean: micros(sum / ITERATIONS),
    route,
  };
}

/**
 * A learned router over the four models, trained on synthetic outcomes (shipping questions favour `mid`,
 * the rest `strong`): what matters here is the per-request cost of featurising the chat and scoring it.
 */
async function writeLearnedRouter(directory: string): Promise<void> {
  const topics = [
    'customs delay',
    'invoice code',
    'warehouse scan',
    'refund policy',
    'password reset',
    'tax form',
  ];
  const records: OutcomeRecord[] = [];
  for (let index = 0; index < 400; index++) {
    const topic = topics[index % topics.length]!;
    const shipping = index % topics.length < 3;
    records.push({
      id: String(index),
      prompt: `Question ${index} about the ${topic}: what should I do next?`,
      outcomes: {
        lite: { quality: shipping ? 0.4 : 0.2, cost: 0.0001 },
        mid: { quality: shipping ? 0.9 : 0.5, cost: 0.001 },
        strong: { quality: 0.95, cost: 0.01 },
        long: { quality: 0.9, cost: 0.02 },
      },
    });
  }
  await writeFile(join(directory, 'router.json'), JSON.stringify(trainRouter(records)));
}

const routerDirectory = await mkdtemp(join(tmpdir(), 'switchyard-bench-routing-'));
await writeLearnedRouter(routerDirectory);
const LEARNED_DEFAULT = `  - name: default
    strategy: learned
    targets: [lite, mid, strong, long]
    learned: { router: router.json, policy: max-utility, lambda: 20 }`;

const rows = [
  await measure('20 rules, no tokenization', 'metadata.never == "x"'),
  await measure('20 rules, last reads prompt_tokens', 'prompt_tokens > 100000'),
  await measure('20 rules, last reads complexity', 'complexity == "never"'),
  await measure('20 rules, then a learned route', 'metadata.never == "x"', LEARNED_DEFAULT),
];
const tokens = createSignalRegistry()
  .valuesFor({ request: chat('x'), headers: {} })
  .get('prompt_tokens');
console.log(`## Routing decision — ${new Date().toISOString()}\n`);
console.log(
  `- Node ${process.version}; ${ITERATIONS} decisions after ${WARMUP} warm-up; chat of ${String(tokens)} prompt tokens\n`,
);
console.log('| case | p50 µs | p99 µs | mean µs | route chosen |');
console.log('| :-- | --: | --: | --: | :-- |');
for (const row of rows)
  console.log(`| ${row.label} | ${row.p50} | ${row.p99} | ${row.mean} | ${row.route} |`);
