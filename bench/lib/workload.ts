/** What each cell of the benchmark sends, and under which load shape. */

/** A measured cell's load: closed loop (fixed concurrency) or open loop (fixed arrival rate). */
export type LoadShape =
  | { readonly kind: 'closed'; readonly connections: number }
  | { readonly kind: 'open'; readonly requestsPerSecond: number };

export interface Scenario {
  /** Stable id used in flags, JSON and tables, e.g. `closed-16/json`. */
  readonly id: string;
  readonly load: LoadShape;
  readonly stream: boolean;
}

export function describeLoad(load: LoadShape): string {
  return load.kind === 'closed' ? `closed-${load.connections}` : `open-${load.requestsPerSecond}`;
}

export function describeScenario(scenario: Scenario): string {
  const loadText =
    scenario.load.kind === 'closed'
      ? `closed loop, ${scenario.load.connections} connections`
      : `open loop, ${scenario.load.requestsPerSecond} req/s`;
  return `${loadText}, ${scenario.stream ? 'stream' : 'non-stream'}`;
}

export function buildScenarios(loads: readonly LoadShape[], streamModes: readonly boolean[]): Scenario[] {
  return loads.flatMap((load) =>
    streamModes.map((stream) => ({
      id: `${describeLoad(load)}/${stream ? 'stream' : 'json'}`,
      load,
      stream,
    })),
  );
}

/**
 * A small, realistic chat request: a system prompt and one user turn, answer capped at 16 tokens so the
 * simulator's reply stays small and the measurement is about the hop, not about moving bytes.
 */
export function chatRequestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      {
        role: 'system',
        content: 'You are a concise assistant for a logistics company. Answer in one short sentence.',
      },
      {
        role: 'user',
        content: 'Which of our two warehouses should ship 40 pallets to Rotterdam next Tuesday?',
      },
    ],
    max_tokens: 16,
    temperature: 0.2,
    stream,
  });
}
