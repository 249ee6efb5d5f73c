/**
 * Decoding a Gemini `GenerateContentRequest` body into the simulator's SimPrompt. Loose on purpose: only
 * the fields the simulator acts on are checked, and their errors read like Google's own 400s. The model
 * and the streaming mode come from the URL, not the body.
 */

import type {
  SimError,
  SimJsonSchema,
  SimMessage,
  SimPrompt,
  SimRequestTarget,
  SimResponseFormat,
  SimTool,
  SimToolChoice,
} from '../types.ts';

type JsonObject = Readonly<Record<string, unknown>>;
type InvalidRequest = Extract<SimError, { kind: 'invalid_request' }>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, param: string | null = null): InvalidRequest {
  return { kind: 'invalid_request', message, param, code: 'INVALID_ARGUMENT' };
}

/** Google's wording for a value of the wrong JSON type (proto field names in snake_case). */
function invalidValue(field: string, protoType: string, value: unknown): InvalidRequest {
  return invalid(
    `Invalid value at '${field}' (${protoType}), ${JSON.stringify(value) ?? String(value)}`,
    field,
  );
}

/** The OpenAPI-style `parameters` / `responseSchema` may spell types in upper case (`OBJECT`). */
function lowerCaseTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerCaseTypes);
  if (!isObject(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] = key === 'type' && typeof value === 'string' ? value.toLowerCase() : lowerCaseTypes(value);
  }
  return copy;
}

function schemaOf(jsonSchema: unknown, openApiSchema: unknown): SimJsonSchema {
  if (isObject(jsonSchema)) return jsonSchema;
  const converted = lowerCaseTypes(openApiSchema);
  return isObject(converted) ? converted : {};
}

function decodeContent(value: unknown, index: number): SimMessage | InvalidRequest {
  const field = `contents[${index}]`;
  if (!isObject(value))
    return invalidValue(field, 'type.googleapis.com/google.ai.generativelanguage.v1beta.Content', value);
  if (value.role !== undefined && value.role !== 'user' && value.role !== 'model') {
    return invalid(`Please use a valid role: user, model.`, `${field}.role`);
  }
  if (!Array.isArray(value.parts) || value.parts.length === 0) {
    return invalid(
      `* GenerateContentRequest.${field}.parts: contents.parts must not be empty.\n`,
      `${field}.parts`,
    );
  }
  let text = '';
  let imageCount = 0;
  let onlyFunctionResponses = true;
  for (const part of value.parts as unknown[]) {
    if (!isObject(part)) continue;
    if (typeof part.text === 'string') {
      text += text.length === 0 ? part.text : `\n${part.text}`;
      onlyFunctionResponses = false;
    } else if (isObject(part.inlineData) || isObject(part.fileData)) {
      imageCount += 1;
      onlyFunctionResponses = false;
    } else if (isObject(part.functionCall)) {
      // An earlier call is part of the prompt too.
      text += `${String(part.functionCall.name)}${JSON.stringify(part.functionCall.args ?? {})}`;
      onlyFunctionResponses = false;
    } else if (isObject(part.functionResponse)) {
      text += `${String(part.functionResponse.name)}${JSON.stringify(part.functionResponse.response ?? {})}`;
    }
  }
  // A user turn of function results plays the part of OpenAI's `tool` messages: the model answers it
  // rather than calling the tool again.
  const role = value.role === 'model' ? 'assistant' : onlyFunctionResponses ? 'tool' : 'user';
  return { role, text, imageCount };
}

function decodeSystemInstruction(value: unknown): SimMessage | undefined {
  if (!isObject(value) || !Array.isArray(value.parts)) return undefined;
  const texts: string[] = [];
  for (const part of value.parts as unknown[]) {
    if (isObject(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return { role: 'system', text: texts.join('\n'), imageCount: 0 };
}

function decodeTools(value: unknown): readonly SimTool[] | InvalidRequest {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    return invalidValue('tools', 'type.googleapis.com/google.ai.generativelanguage.v1beta.Tool', value);
  const tools: SimTool[] = [];
  for (const [toolIndex, tool] of (value as unknown[]).entries()) {
    const declarations = isObject(tool) ? tool.functionDeclarations : undefined;
    if (declarations === undefined) continue; // another kind of tool (google_search, …), not simulated
    if (!Array.isArray(declarations)) {
      return invalidValue(`tools[${toolIndex}].function_declarations`, 'TYPE_MESSAGE', declarations);
    }
    for (const [index, declaration] of (declarations as unknown[]).entries()) {
      if (!isObject(declaration) || typeof declaration.name !== 'string' || declaration.name.length === 0) {
        const field = `tools[${toolIndex}].function_declarations[${index}].name`;
        return invalid(`* GenerateContentRequest.${field}: Name cannot be empty.\n`, field);
      }
      tools.push({
        name: declaration.name,
        parameters: schemaOf(declaration.parametersJsonSchema, declaration.parameters),
      });
    }
  }
  return tools;
}

function decodeToolChoice(value: unknown, tools: readonly SimTool[]): SimToolChoice | InvalidRequest {
  const config = isObject(value) && isObject(value.functionCallingConfig) ? value.functionCallingConfig : {};
  const mode = config.mode ?? 'AUTO';
  const allowed = Array.isArray(config.allowedFunctionNames)
    ? (config.allowedFunctionNames as unknown[])
    : [];
  switch (mode) {
    case 'AUTO':
    case 'VALIDATED':
    case 'MODE_UNSPECIFIED':
      return { kind: 'auto' };
    case 'NONE':
      return { kind: 'none' };
    case 'ANY': {
      const only = allowed.length === 1 ? allowed[0] : undefined;
      if (typeof only !== 'string') return { kind: 'required' };
      if (!tools.some((tool) => tool.name === only)) {
        return invalid(
          `* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: function '${only}' is not declared in tools.\n`,
          'tool_config.function_calling_config.allowed_function_names',
        );
      }
      return { kind: 'function', name: only };
    }
    default:
      return invalidValue(
        'tool_config.function_calling_config.mode',
        'type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode',
        mode,
      );
  }
}

interface GenerationSettings {
  readonly maxTokens: number | undefined;
  readonly stop: readonly string[];
  readonly responseFormat: SimResponseFormat;
}

function decodeGenerationConfig(value: unknown): GenerationSettings | InvalidRequest {
  const config = isObject(value) ? value : {};
  const max = config.maxOutputTokens;
  if (max !== undefined && max !== null && (typeof max !== 'number' || !Number.isInteger(max))) {
    return invalidValue('generation_config.max_output_tokens', 'TYPE_INT32', max);
  }
  if (typeof max === 'number' && max < 1) {
    return invalid(
      `* GenerateContentRequest.generation_config.max_output_tokens: max_output_tokens must be positive.\n`,
      'generation_config.max_output_tokens',
    );
  }
  const stop = config.stopSequences ?? [];
  if (!Array.isArray(stop) || !stop.every((item) => typeof item === 'string')) {
    return invalidValue('generation_config.stop_sequences', 'TYPE_STRING', stop);
  }
  const mimeType = config.responseMimeType ?? 'text/plain';
  if (mimeType !== 'text/plain' && mimeType !== 'application/json') {
    return invalid(
      `* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`.\n`,
      'generation_config.response_mime_type',
    );
  }
  const hasSchema = isObject(config.responseJsonSchema) || isObject(config.responseSchema);
  const responseFormat: SimResponseFormat =
    mimeType !== 'application/json'
      ? { kind: 'text' }
      : hasSchema
        ? { kind: 'json_schema', schema: schemaOf(config.responseJsonSchema, config.responseSchema) }
        : { kind: 'json_object' };
  return { maxTokens: typeof max === 'number' ? max : undefined, stop, responseFormat };
}

export function decodeGeminiRequest(body: unknown, target: SimRequestTarget): SimPrompt | SimError {
  if (!isObject(body)) return invalid('Invalid JSON payload received. Expected an object.');
  if (target.model === undefined || target.model.length === 0) {
    return invalid('* GenerateContentRequest.model: unexpected model name format\n', 'model');
  }
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return invalid('* GenerateContentRequest.contents: contents is not specified\n', 'contents');
  }
  const messages: SimMessage[] = [];
  const system = decodeSystemInstruction(body.systemInstruction);
  if (system !== undefined) messages.push(system);
  for (const [index, raw] of (body.contents as unknown[]).entries()) {
    const message = decodeContent(raw, index);
    if ('kind' in message) return message;
    messages.push(message);
  }
  const tools = decodeTools(body.tools);
  if ('kind' in tools) return tools;
  const toolChoice = decodeToolChoice(body.toolConfig, tools);
  if (toolChoice.kind === 'invalid_request') return toolChoice;
  const generation = decodeGenerationConfig(body.generationConfig);
  if ('kind' in generation) return generation;
  let overheadText = Array.isArray(body.tools) ? JSON.stringify(body.tools) : '';
  if (generation.responseFormat.kind === 'json_schema') {
    overheadText += JSON.stringify(generation.responseFormat.schema);
  }
  return {
    model: target.model,
    messages,
    tools,
    toolChoice,
    // Gemini has no switch for parallel calls.
    parallelToolCalls: true,
    responseFormat: generation.responseFormat,
    maxTokens: generation.maxTokens,
    stop: generation.stop,
    stream: target.stream === true,
    // Gemini reports usage on every answer.
    includeUsage: true,
    overheadText,
  };
}
