/**
 * Decoding an OpenAI chat-completions request body into the simulator's SimPrompt. Loose on purpose: only
 * the fields the simulator acts on are checked, and their errors read like OpenAI's own.
 */

import type { SimError, SimMessage, SimPrompt, SimResponseFormat, SimTool, SimToolChoice } from '../types.ts';

type JsonObject = Readonly<Record<string, unknown>>;
type InvalidRequest = Extract<SimError, { kind: 'invalid_request' }>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

function invalid(message: string, param: string | null, code: string | null): InvalidRequest {
  return { kind: 'invalid_request', message, param, code };
}

function invalidType(param: string, expected: string, value: unknown): InvalidRequest {
  return invalid(
    `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
    param,
    'invalid_type',
  );
}

function decodeMessage(value: unknown, index: number): SimMessage | InvalidRequest {
  const param = `messages[${index}]`;
  if (!isObject(value)) return invalidType(param, 'an object', value);
  if (typeof value.role !== 'string') {
    return invalid(
      `Missing required parameter: '${param}.role'.`,
      `${param}.role`,
      'missing_required_parameter',
    );
  }
  let text = '';
  let imageCount = 0;
  const content = value.content;
  if (typeof content === 'string') text = content;
  else if (Array.isArray(content)) {
    for (const part of content as unknown[]) {
      if (!isObject(part)) continue;
      if (typeof part.text === 'string') text += text.length === 0 ? part.text : `\n${part.text}`;
      else if (part.type === 'image_url') imageCount += 1;
    }
  } else if (content !== undefined && content !== null) {
    return invalidType(`${param}.content`, 'a string or an array of content parts', content);
  }
  // An assistant's earlier tool calls are part of the prompt too.
  if (Array.isArray(value.tool_calls)) {
    for (const call of value.tool_calls as unknown[]) {
      if (isObject(call) && isObject(call.function)) {
        text += `${String(call.function.name)}${String(call.function.arguments)}`;
      }
    }
  }
  return { role: value.role, text, imageCount };
}

function decodeMaxTokens(body: JsonObject): number | undefined | InvalidRequest {
  const param = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return invalidType(param, 'an integer', value);
  if (value < 1) {
    return invalid(
      `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      param,
      'integer_below_min_value',
    );
  }
  return value;
}

function decodeStop(value: unknown): readonly string[] | InvalidRequest {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return invalidType('stop', 'a string or an array of strings', value);
}

function decodeTools(value: unknown): readonly SimTool[] | InvalidRequest {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalidType('tools', 'an array', value);
  const tools: SimTool[] = [];
  for (const [index, tool] of (value as unknown[]).entries()) {
    const definition = isObject(tool) ? tool.function : undefined;
    if (!isObject(definition) || typeof definition.name !== 'string') {
      const param = `tools[${index}].function.name`;
      return invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
    }
    tools.push({
      name: definition.name,
      parameters: isObject(definition.parameters) ? definition.parameters : {},
    });
  }
  return tools;
}

function decodeToolChoice(value: unknown, tools: readonly SimTool[]): SimToolChoice | InvalidRequest {
  if (value === undefined || value === null || value === 'auto') return { kind: 'auto' };
  if (value === 'none' || value === 'required') return { kind: value };
  const name = isObject(value) && isObject(value.function) ? value.function.name : undefined;
  if (typeof name !== 'string') {
    return invalid(
      `Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or a named function.`,
      'tool_choice',
      'invalid_value',
    );
  }
  if (!tools.some((tool) => tool.name === name)) {
    return invalid(
      `Invalid 'tool_choice': function '${name}' is not among the provided tools.`,
      'tool_choice',
      'invalid_value',
    );
  }
  return { kind: 'function', name };
}

function decodeResponseFormat(value: unknown): SimResponseFormat | InvalidRequest {
  if (value === undefined || value === null) return { kind: 'text' };
  const type = isObject(value) ? value.type : undefined;
  if (type === 'text' || type === 'json_object') return { kind: type };
  if (type === 'json_schema' && isObject(value) && isObject(value.json_schema)) {
    const schema = value.json_schema.schema;
    return { kind: 'json_schema', schema: isObject(schema) ? schema : {} };
  }
  return invalid(
    `Invalid value for 'response_format.type': expected 'text', 'json_object' or 'json_schema' (with 'json_schema').`,
    'response_format',
    'invalid_value',
  );
}

/** Text the model also reads besides the messages (tool definitions, the output schema), for token counts. */
function overheadText(body: JsonObject, format: SimResponseFormat): string {
  let text = Array.isArray(body.tools) ? JSON.stringify(body.tools) : '';
  if (format.kind === 'json_schema') text += JSON.stringify(format.schema);
  return text;
}

export function decodeOpenAIChatRequest(body: unknown): SimPrompt | SimError {
  if (!isObject(body)) return invalid('The request body must be a JSON object.', null, null);
  if (typeof body.model !== 'string' || body.model.length === 0) {
    return invalid('you must provide a model parameter', null, null);
  }
  if (body.messages === undefined) {
    return invalid(`Missing required parameter: 'messages'.`, 'messages', 'missing_required_parameter');
  }
  if (!Array.isArray(body.messages)) return invalidType('messages', 'an array of objects', body.messages);
  if (body.messages.length === 0) {
    return invalid(
      `Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      'messages',
      'empty_array',
    );
  }
  const messages: SimMessage[] = [];
  for (const [index, raw] of (body.messages as unknown[]).entries()) {
    const message = decodeMessage(raw, index);
    if ('kind' in message) return message;
    messages.push(message);
  }
  const maxTokens = decodeMaxTokens(body);
  if (typeof maxTokens === 'object') return maxTokens;
  const stop = decodeStop(body.stop);
  if ('kind' in stop) return stop;
  const tools = decodeTools(body.tools);
  if ('kind' in tools) return tools;
  const toolChoice = decodeToolChoice(body.tool_choice, tools);
  if (toolChoice.kind === 'invalid_request') return toolChoice;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat.kind === 'invalid_request') return responseFormat;
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    messages,
    tools,
    toolChoice,
    parallelToolCalls: body.parallel_tool_calls !== false,
    responseFormat,
    maxTokens,
    stop,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    ...(body.logprobs === true
      ? { logprobs: typeof body.top_logprobs === 'number' ? body.top_logprobs : 0 }
      : {}),
    overheadText: overheadText(body, responseFormat),
  };
}
