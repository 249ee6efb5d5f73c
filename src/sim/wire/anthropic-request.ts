/**
 * Decoding an Anthropic Messages request body into the simulator's SimPrompt. Loose on purpose: only the
 * fields the simulator acts on are checked, and their errors read like Anthropic's own (`field: problem`,
 * with dotted paths such as `messages.0.role`).
 */

import type { SimError, SimMessage, SimPrompt, SimTool, SimToolChoice } from '../types.ts';

type JsonObject = Readonly<Record<string, unknown>>;
type InvalidRequest = Extract<SimError, { kind: 'invalid_request' }>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): InvalidRequest {
  return { kind: 'invalid_request', message, param: null, code: null };
}

const required = (path: string): InvalidRequest => invalid(`${path}: Field required`);

/** The text a block contributes to the prompt, and whether it is an image (counted at a flat cost). */
function blockText(block: JsonObject): string {
  switch (block.type) {
    case 'text':
      return typeof block.text === 'string' ? block.text : '';
    case 'tool_use':
      return `${String(block.name)}${JSON.stringify(block.input ?? {})}`;
    case 'tool_result':
      if (typeof block.content === 'string') return block.content;
      if (!Array.isArray(block.content)) return '';
      return (block.content as unknown[])
        .map((inner) => (isObject(inner) && typeof inner.text === 'string' ? inner.text : ''))
        .join('\n');
    default:
      return '';
  }
}

function decodeMessage(value: unknown, index: number): SimMessage | InvalidRequest {
  const path = `messages.${index}`;
  if (!isObject(value)) return invalid(`${path}: Input should be a valid dictionary`);
  if (value.role !== 'user' && value.role !== 'assistant') {
    return invalid(`${path}.role: Input should be 'user' or 'assistant'`);
  }
  const content = value.content;
  if (content === undefined) return required(`${path}.content`);
  if (typeof content === 'string') return { role: value.role, text: content, imageCount: 0 };
  if (!Array.isArray(content)) return invalid(`${path}.content: Input should be a valid list`);
  const texts: string[] = [];
  let imageCount = 0;
  for (const [position, block] of (content as unknown[]).entries()) {
    if (!isObject(block) || typeof block.type !== 'string') {
      return invalid(`${path}.content.${position}.type: Field required`);
    }
    if (block.type === 'image') imageCount += 1;
    else texts.push(blockText(block));
  }
  return { role: value.role, text: texts.join('\n'), imageCount };
}

function decodeSystem(value: unknown): SimMessage | undefined | InvalidRequest {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { role: 'system', text: value, imageCount: 0 };
  if (!Array.isArray(value)) return invalid('system: Input should be a valid list');
  const text = (value as unknown[])
    .map((block) => (isObject(block) && typeof block.text === 'string' ? block.text : ''))
    .join('\n');
  return { role: 'system', text, imageCount: 0 };
}

function decodeMaxTokens(value: unknown): number | InvalidRequest {
  if (value === undefined || value === null) return required('max_tokens');
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return invalid('max_tokens: Input should be a valid integer');
  }
  if (value < 1) return invalid('max_tokens: Input should be greater than or equal to 1');
  return value;
}

function decodeStop(value: unknown): readonly string[] | InvalidRequest {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    return invalid('stop_sequences: Input should be a valid list of strings');
  }
  for (const sequence of value) {
    if (sequence.length === 0) return invalid('stop_sequences: each stop sequence must be non-empty');
    if (sequence.trim().length === 0) {
      return invalid('stop_sequences: each stop sequence must contain non-whitespace');
    }
  }
  return value;
}

function decodeTools(value: unknown): readonly SimTool[] | InvalidRequest {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalid('tools: Input should be a valid list');
  const tools: SimTool[] = [];
  for (const [index, tool] of (value as unknown[]).entries()) {
    if (!isObject(tool)) return invalid(`tools.${index}: Input should be a valid dictionary`);
    // Server tools (`web_search_…`, `bash_…`) carry a versioned type and run on Anthropic's side.
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') continue;
    if (typeof tool.name !== 'string') return required(`tools.${index}.name`);
    if (!isObject(tool.input_schema)) return required(`tools.${index}.input_schema`);
    tools.push({ name: tool.name, parameters: tool.input_schema });
  }
  return tools;
}

interface DecodedToolChoice {
  readonly choice: SimToolChoice;
  readonly parallel: boolean;
}

function decodeToolChoice(value: unknown, tools: readonly SimTool[]): DecodedToolChoice | InvalidRequest {
  if (value === undefined || value === null) return { choice: { kind: 'auto' }, parallel: true };
  if (!isObject(value)) return invalid('tool_choice: Input should be a valid dictionary');
  if (tools.length === 0 && value.type !== 'none') {
    return invalid('tool_choice: tool_choice may only be specified while providing tools.');
  }
  const parallel = value.disable_parallel_tool_use !== true;
  switch (value.type) {
    case 'auto':
      return { choice: { kind: 'auto' }, parallel };
    case 'any':
      return { choice: { kind: 'required' }, parallel };
    case 'none':
      return { choice: { kind: 'none' }, parallel };
    case 'tool': {
      if (typeof value.name !== 'string') return required('tool_choice.name');
      const name = value.name;
      if (!tools.some((tool) => tool.name === name)) {
        return invalid(`tool_choice.name: tool '${name}' was not found in tools`);
      }
      return { choice: { kind: 'function', name }, parallel };
    }
    default:
      return invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  }
}

export function decodeAnthropicMessagesRequest(body: unknown): SimPrompt | SimError {
  if (!isObject(body)) return invalid('body: Input should be a valid dictionary');
  if (typeof body.model !== 'string' || body.model.length === 0) return required('model');
  const maxTokens = decodeMaxTokens(body.max_tokens);
  if (typeof maxTokens === 'object') return maxTokens;
  if (body.messages === undefined) return required('messages');
  if (!Array.isArray(body.messages)) return invalid('messages: Input should be a valid list');
  if (body.messages.length === 0) return invalid('messages: at least one message is required');
  const messages: SimMessage[] = [];
  const system = decodeSystem(body.system);
  if (system !== undefined) {
    if ('kind' in system) return system;
    messages.push(system);
  }
  for (const [index, raw] of (body.messages as unknown[]).entries()) {
    const message = decodeMessage(raw, index);
    if ('kind' in message) return message;
    messages.push(message);
  }
  const stop = decodeStop(body.stop_sequences);
  if ('kind' in stop) return stop;
  const tools = decodeTools(body.tools);
  if ('kind' in tools) return tools;
  const toolChoice = decodeToolChoice(body.tool_choice, tools);
  if ('kind' in toolChoice) return toolChoice;
  return {
    model: body.model,
    messages,
    tools,
    toolChoice: toolChoice.choice,
    parallelToolCalls: toolChoice.parallel,
    // Anthropic has no response_format; JSON comes from a forced tool call, which `tools` covers.
    responseFormat: { kind: 'text' },
    maxTokens,
    stop,
    stream: body.stream === true,
    // Anthropic always reports usage in a stream.
    includeUsage: true,
    overheadText: Array.isArray(body.tools) ? JSON.stringify(body.tools) : '',
  };
}
