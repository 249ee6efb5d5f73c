/**
 * The two client protocols of the matrix, each driven by its vendor's official SDK and read back into
 * one neutral shape, so a single scenario list can assert the same facts whichever API the client spoke.
 */

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

export interface Turn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface Ask {
  readonly model: string;
  readonly system?: string;
  readonly turns: readonly Turn[];
  readonly maxTokens: number;
  /** Force a call of the weather tool. */
  readonly forceTool?: boolean;
  readonly jsonObject?: boolean;
  readonly stream?: boolean;
  readonly fault?: string;
}

export interface NeutralToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

export interface NeutralAnswer {
  readonly text: string;
  readonly toolCalls: readonly NeutralToolCall[];
  readonly finish: 'stop' | 'length' | 'tool_calls' | 'other';
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Response headers (non-stream answers and stream openings alike). */
  readonly headers: Headers;
}

export interface NeutralError {
  readonly status: number;
  /** The error's `type` in the client's error shape. */
  readonly type: string;
  readonly message: string;
  readonly retryAfter: string | null;
}

export interface InboundClient {
  readonly label: 'openai' | 'anthropic';
  ask(ask: Ask): Promise<NeutralAnswer>;
  /** Sends the weather call's result back and returns the model's next answer. */
  answerToolCall(ask: Ask, call: NeutralToolCall, result: string): Promise<NeutralAnswer>;
  /** The request is expected to fail; returns the error as the client saw it. */
  fail(ask: Ask): Promise<NeutralError>;
}

export const WEATHER_PARAMETERS = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city'],
} as const;

function headersFor(ask: Ask): Record<string, string> {
  return ask.fault === undefined ? {} : { 'x-sim-fault': ask.fault };
}

/** The SDKs type an error's headers loosely; both hold a fetch `Headers` when a response arrived. */
function retryAfterOf(headers: unknown): string | null {
  return headers instanceof Headers ? headers.get('retry-after') : null;
}

function parseArguments(text: string): Record<string, unknown> {
  return JSON.parse(text === '' ? '{}' : text) as Record<string, unknown>;
}

// ---- OpenAI ---------------------------------------------------------------------------------------

function openAIFinish(reason: string | null | undefined): NeutralAnswer['finish'] {
  return reason === 'stop' || reason === 'length' || reason === 'tool_calls' ? reason : 'other';
}

export function openAIClient(gatewayUrl: string): InboundClient {
  const client = new OpenAI({ baseURL: `${gatewayUrl}/v1`, apiKey: 'unused', maxRetries: 0 });

  function messages(ask: Ask): OpenAI.Chat.ChatCompletionMessageParam[] {
    return [
      ...(ask.system === undefined ? [] : [{ role: 'system' as const, content: ask.system }]),
      ...ask.turns.map((turn) => ({ role: turn.role, content: turn.text })),
    ];
  }

  function body(ask: Ask, extra: OpenAI.Chat.ChatCompletionMessageParam[] = []) {
    return {
      model: ask.model,
      messages: [...messages(ask), ...extra],
      max_tokens: ask.maxTokens,
      ...(ask.forceTool === true
        ? {
            tools: [
              {
                type: 'function' as const,
                function: { name: 'get_weather', parameters: { ...WEATHER_PARAMETERS } },
              },
            ],
            tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
          }
        : {}),
      ...(ask.jsonObject === true ? { response_format: { type: 'json_object' as const } } : {}),
    };
  }

  async function run(ask: Ask, extra: OpenAI.Chat.ChatCompletionMessageParam[] = []): Promise<NeutralAnswer> {
    const options = { headers: headersFor(ask) };
    if (ask.stream !== true) {
      const { data, response } = await client.chat.completions
        .create({ ...body(ask, extra), stream: false }, options)
        .withResponse();
      const choice = data.choices[0]!;
      return {
        text: choice.message.content ?? '',
        toolCalls: (choice.message.tool_calls ?? []).flatMap((call) =>
          call.type === 'function'
            ? [{ id: call.id, name: call.function.name, arguments: parseArguments(call.function.arguments) }]
            : [],
        ),
        finish: openAIFinish(choice.finish_reason),
        inputTokens: data.usage?.prompt_tokens ?? 0,
        outputTokens: data.usage?.completion_tokens ?? 0,
        headers: response.headers,
      };
    }
    const { data: stream, response } = await client.chat.completions
      .create({ ...body(ask, extra), stream: true, stream_options: { include_usage: true } }, options)
      .withResponse();
    let text = '';
    let finish: NeutralAnswer['finish'] = 'other';
    let inputTokens = 0;
    let outputTokens = 0;
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      if (chunk.usage) {
        inputTokens = chunk.usage.prompt_tokens;
        outputTokens = chunk.usage.completion_tokens;
      }
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      text += choice.delta.content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
        entry.id ||= call.id ?? '';
        entry.name ||= call.function?.name ?? '';
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      if (choice.finish_reason) finish = openAIFinish(choice.finish_reason);
    }
    return {
      text,
      toolCalls: [...calls.values()].map((call) => ({ ...call, arguments: parseArguments(call.arguments) })),
      finish,
      inputTokens,
      outputTokens,
      headers: response.headers,
    };
  }

  return {
    label: 'openai',
    ask: (ask) => run(ask),
    answerToolCall: (ask, call, result) =>
      run(ask, [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.arguments) },
            },
          ],
        },
        { role: 'tool', tool_call_id: call.id, content: result },
      ]),
    async fail(ask) {
      const thrown = await run(ask).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (!(thrown instanceof OpenAI.APIError))
        throw new Error(`expected an API error, got ${String(thrown)}`);
      const body = thrown.error as { type?: string; message?: string } | undefined;
      return {
        status: thrown.status ?? 0,
        type: body?.type ?? '',
        message: body?.message ?? thrown.message,
        retryAfter: retryAfterOf(thrown.headers),
      };
    },
  };
}

// ---- Anthropic ------------------------------------------------------------------------------------

function anthropicFinish(reason: string | null): NeutralAnswer['finish'] {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'other';
  }
}

function fromMessage(message: Anthropic.Message, headers: Headers): NeutralAnswer {
  let text = '';
  const toolCalls: NeutralToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, name: block.name, arguments: block.input as Record<string, unknown> });
    }
  }
  return {
    text,
    toolCalls,
    finish: anthropicFinish(message.stop_reason),
    inputTokens:
      message.usage.input_tokens +
      (message.usage.cache_read_input_tokens ?? 0) +
      (message.usage.cache_creation_input_tokens ?? 0),
    outputTokens: message.usage.output_tokens,
    headers,
  };
}

export function anthropicClient(gatewayUrl: string): InboundClient {
  const client = new Anthropic({ baseURL: gatewayUrl, apiKey: 'unused', maxRetries: 0 });

  function body(ask: Ask, extra: Anthropic.MessageParam[] = []): Anthropic.MessageCreateParamsNonStreaming {
    if (ask.jsonObject === true) throw new Error('the Anthropic Messages API has no JSON mode');
    return {
      model: ask.model,
      max_tokens: ask.maxTokens,
      ...(ask.system === undefined ? {} : { system: ask.system }),
      messages: [...ask.turns.map((turn) => ({ role: turn.role, content: turn.text })), ...extra],
      ...(ask.forceTool === true
        ? {
            tools: [{ name: 'get_weather', input_schema: { ...WEATHER_PARAMETERS, required: ['city'] } }],
            tool_choice: { type: 'tool' as const, name: 'get_weather' },
          }
        : {}),
    };
  }

  async function run(ask: Ask, extra: Anthropic.MessageParam[] = []): Promise<NeutralAnswer> {
    const options = { headers: headersFor(ask) };
    if (ask.stream !== true) {
      const { data, response } = await client.messages.create(body(ask, extra), options).withResponse();
      return fromMessage(data, response.headers);
    }
    const stream = client.messages.stream(body(ask, extra), options);
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    return fromMessage(message, response.headers);
  }

  return {
    label: 'anthropic',
    ask: (ask) => run(ask),
    answerToolCall: (ask, call, result) =>
      run(ask, [
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: call.id, name: call.name, input: call.arguments }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: result }] },
      ]),
    async fail(ask) {
      const thrown = await run(ask).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (!(thrown instanceof Anthropic.APIError))
        throw new Error(`expected an API error, got ${String(thrown)}`);
      const body = thrown.error as { type?: string; error?: { type?: string; message?: string } } | undefined;
      return {
        status: thrown.status ?? 0,
        type: body?.error?.type ?? '',
        message: body?.error?.message ?? thrown.message,
        retryAfter: retryAfterOf(thrown.headers),
      };
    },
  };
}
