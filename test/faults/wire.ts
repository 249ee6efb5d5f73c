/**
 * What the fault suite reads off the wire, as a strict client would: an OpenAI chat-completion SSE
 * stream or JSON body, an error body, and the request record of `GET /v1/requests/{id}`.
 */

/** One attempt in the request record (src/executor/attempt.ts `AttemptRecord`, as JSON). */
export interface RecordedAttempt {
  readonly target: string;
  readonly provider: string;
  readonly deployment: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly outcome: string;
  readonly upstreamStatus?: number;
  readonly message?: string;
  readonly firstTokenMs?: number;
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
  readonly costUsd?: number;
}

/** The request record as `GET /v1/requests/{id}` returns it (the fields the suite reads). */
export interface RequestRecordJson {
  readonly servedModel?: string | null;
  readonly attempts: readonly RecordedAttempt[];
  /** `ok` or the error code the client received. */
  readonly outcome?: string;
  readonly errorMessage?: string | null;
}

/** One failed attempt as an aggregate error lists it to the client. */
export interface WireAttempt {
  readonly target: string;
  readonly code: string;
  readonly status?: number;
  readonly duration_ms: number;
}

export interface WireError {
  readonly message: string;
  readonly type?: string;
  readonly code?: string | null;
  /** Present on aggregate errors (every attempt failed). */
  readonly attempts?: readonly WireAttempt[];
}

export interface WireUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/** How a response ended, as a client sees it. */
export type Ending =
  /** A complete answer: `[DONE]` (streams) or a 200 JSON body with a finish reason. */
  | 'done'
  /** A stream that ended with an error event after it had started. */
  | 'in-band-error'
  /** An error status before anything was streamed. */
  | 'http-error'
  /** The body ended with neither `[DONE]` nor an error: a truncated answer that looks finished. */
  | 'eof';

export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly requestId: string;
  /** x-switchyard-model / x-switchyard-attempts. */
  readonly model: string | null;
  readonly attemptsHeader: string | null;
  readonly text: string;
  readonly finishReason: string | null;
  readonly usage: WireUsage | undefined;
  /** The `model` field of the chunks or the body: the upstream's name of the model that answered. */
  readonly upstreamModel: string | undefined;
  readonly ending: Ending;
  readonly error: WireError | undefined;
  /** Protocol violations: events after an error or after `[DONE]`, `[DONE]` after an error. */
  readonly violations: readonly string[];
  readonly elapsedMs: number;
  /** From the request record. */
  readonly attempts: readonly RecordedAttempt[];
  /** The error the request record keeps, when the request failed. */
  readonly recordError: { readonly code: string; readonly message: string } | undefined;
  /** Start of attempt i+1 minus start of attempt i. */
  readonly startGapsMs: readonly number[];
  /** Start of attempt i+1 minus end of attempt i (the wait between them). */
  readonly idleGapsMs: readonly number[];
  /** Attempts per target model id, e.g. `{ primary: 2, backup: 1 }`. */
  readonly perTarget: Readonly<Record<string, number>>;
  /** The same count from an aggregate error's `attempts` (what a client sees when every attempt failed). */
  readonly errorPerTarget: Readonly<Record<string, number>>;
}

/** What a response body tells, before the request record is read. */
export type Parsed = Pick<
  Exchange,
  'text' | 'finishReason' | 'usage' | 'upstreamModel' | 'ending' | 'error' | 'violations'
>;

interface ChunkJson {
  readonly model?: string;
  readonly choices?: readonly {
    readonly delta?: { readonly content?: string | null };
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: WireUsage | null;
  readonly error?: WireError;
}

/** Reads an OpenAI chat-completion SSE body the way a strict client would. */
export function parseEventStream(raw: string): Parsed & { readonly tokens: readonly string[] } {
  const tokens: string[] = [];
  let finishReason: string | null = null;
  let usage: WireUsage | undefined;
  let upstreamModel: string | undefined;
  let error: WireError | undefined;
  let done = false;
  const violations: string[] = [];
  for (const frame of raw.split('\n\n')) {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '') continue;
    if (done) violations.push(`event after [DONE]: ${data.slice(0, 80)}`);
    if (error !== undefined) violations.push(`event after the error: ${data.slice(0, 80)}`);
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as ChunkJson;
    if (chunk.error !== undefined) {
      error = chunk.error;
      continue;
    }
    upstreamModel ??= chunk.model;
    if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      const content = choice.delta?.content;
      if (typeof content === 'string' && content !== '') tokens.push(content);
      if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
        if (finishReason !== null) violations.push('a second finish reason');
        finishReason = choice.finish_reason;
      }
    }
  }
  const ending: Ending = error !== undefined ? 'in-band-error' : done ? 'done' : 'eof';
  return { text: tokens.join(''), tokens, finishReason, usage, upstreamModel, ending, error, violations };
}

export function parseCompletion(raw: string): Parsed {
  const body = JSON.parse(raw) as {
    model?: string;
    choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
    usage?: WireUsage;
  };
  const choice = body.choices?.[0];
  const finishReason = choice?.finish_reason ?? null;
  return {
    text: choice?.message?.content ?? '',
    finishReason,
    usage: body.usage,
    upstreamModel: body.model,
    ending: finishReason === null ? 'eof' : 'done',
    error: undefined,
    violations: [],
  };
}

export function parseErrorBody(raw: string): Parsed {
  let error: WireError;
  try {
    error = (JSON.parse(raw) as { error: WireError }).error;
  } catch {
    error = { message: raw };
  }
  return {
    text: '',
    finishReason: null,
    usage: undefined,
    upstreamModel: undefined,
    ending: 'http-error',
    error,
    violations: [],
  };
}

export function gapsOf(attempts: readonly RecordedAttempt[]): Pick<Exchange, 'startGapsMs' | 'idleGapsMs'> {
  const startGapsMs: number[] = [];
  const idleGapsMs: number[] = [];
  for (let index = 1; index < attempts.length; index++) {
    const previous = attempts[index - 1]!;
    const current = attempts[index]!;
    startGapsMs.push(current.startedAtMs - previous.startedAtMs);
    idleGapsMs.push(current.startedAtMs - (previous.startedAtMs + previous.durationMs));
  }
  return { startGapsMs, idleGapsMs };
}

export function countPerTarget(attempts: readonly { readonly target: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const attempt of attempts) counts[attempt.target] = (counts[attempt.target] ?? 0) + 1;
  return counts;
}
