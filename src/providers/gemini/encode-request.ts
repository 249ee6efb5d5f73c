/**
 * Canonical `ChatRequest` → Gemini `GenerateContentRequest` body
 * (https://ai.google.dev/api/generate-content#request-body). Fields the client did not set are left
 * `undefined`, which `JSON.stringify` omits. Errors name canonical request fields (`messages[2].content[0]`).
 *
 * Mapping choices:
 * - System messages become `systemInstruction`, in order, wherever they appear (Gemini has one).
 * - Assistant turns are role `model`; tool results are `functionResponse` parts in a `user` turn; turns
 *   of the same role in a row are merged, since Gemini expects user and model turns to alternate.
 * - Schemas go in `parametersJsonSchema` / `responseJsonSchema` (full JSON Schema), not `parameters` /
 *   `responseSchema`, which take an OpenAPI 3.0 subset and would reject or drop keywords such as
 *   `additionalProperties`, `$ref` or `const`. The client's schema is sent exactly as given.
 * - Not carried (Gemini has no counterpart): `name` on messages, `strict` on tools and schemas (Gemini
 *   always follows the schema), the schema's `name`, `user`, `metadata`, image `detail`.
 */

import { GatewayError } from '../../core/errors.ts';
import type {
  ChatRequest,
  ContentPart,
  ImagePart,
  Message,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../core/request.ts';

type JsonObject = Readonly<Record<string, unknown>>;

export type GeminiRequestPart =
  | { readonly text: string }
  | { readonly inlineData: { readonly mimeType: string; readonly data: string } }
  | { readonly fileData: { readonly mimeType?: string; readonly fileUri: string } }
  | {
      readonly functionCall: { readonly id: string; readonly name: string; readonly args: JsonObject };
      readonly thoughtSignature?: string;
    }
  | {
      readonly functionResponse: {
        readonly id: string;
        readonly name: string;
        readonly response: JsonObject;
      };
    };

export interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: GeminiRequestPart[];
}

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly parametersJsonSchema: JsonObject;
}

export interface GeminiFunctionCallingConfig {
  readonly mode: 'AUTO' | 'ANY' | 'NONE';
  readonly allowedFunctionNames?: readonly string[];
}

export interface GeminiGenerationConfig {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly seed?: number;
  readonly stopSequences?: readonly string[];
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly maxOutputTokens?: number;
  readonly responseMimeType?: 'application/json';
  readonly responseJsonSchema?: JsonObject;
}

export interface GeminiRequestBody {
  readonly contents: readonly GeminiContent[];
  readonly systemInstruction?: { readonly parts: readonly { readonly text: string }[] };
  readonly tools?: readonly [{ readonly functionDeclarations: readonly GeminiFunctionDeclaration[] }];
  readonly toolConfig?: { readonly functionCallingConfig: GeminiFunctionCallingConfig };
  readonly generationConfig?: GeminiGenerationConfig;
}

/** Canonical request → Gemini body; throws a `GatewayError` for content Gemini cannot carry. */
/**
 * Gemini 3 and later reject a replayed function call without the `thoughtSignature` the model attached
 * to it. The canonical request cannot carry that opaque value (OpenAI and Anthropic clients have nowhere
 * to keep it, and the call may have come from another vendor), so replayed calls get the sentinel Google
 * documents for history it did not sign (ai.google.dev/gemini-api/docs/thought-signatures). Only the
 * first call of a turn needs it; parallel calls after it carry none.
 */
export const THOUGHT_SIGNATURE_SENTINEL = 'skip_thought_signature_validator';

/** Whether the model validates thought signatures on replayed calls: Gemini 3 and later. */
export function requiresThoughtSignatures(upstreamModel: string): boolean {
  const major = /gemini-(\d+)/.exec(upstreamModel)?.[1];
  return major !== undefined && Number(major) >= 3;
}

export interface GeminiEncodeOptions {
  readonly signReplayedCalls: boolean;
}

export function encodeRequest(
  request: ChatRequest,
  options: GeminiEncodeOptions = { signReplayedCalls: false },
): GeminiRequestBody {
  const { contents, systemParts } = encodeMessages(request.messages, options);
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  return {
    contents,
    systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined,
    tools: hasTools ? [{ functionDeclarations: request.tools.map(encodeTool) }] : undefined,
    // A calling mode without declarations means nothing to Gemini (and ANY would be rejected).
    toolConfig:
      hasTools && request.toolChoice !== undefined
        ? { functionCallingConfig: encodeToolChoice(request.toolChoice) }
        : undefined,
    generationConfig: encodeGenerationConfig(request),
  };
}

function encodeGenerationConfig(request: ChatRequest): GeminiGenerationConfig | undefined {
  const { sampling } = request;
  const format = encodeResponseFormat(request.responseFormat);
  const config: GeminiGenerationConfig = {
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    seed: sampling.seed,
    stopSequences: sampling.stop !== undefined && sampling.stop.length > 0 ? sampling.stop : undefined,
    presencePenalty: sampling.presencePenalty,
    frequencyPenalty: sampling.frequencyPenalty,
    maxOutputTokens: request.maxOutputTokens,
    responseMimeType: format?.responseMimeType,
    responseJsonSchema: format?.responseJsonSchema,
  };
  for (const value of Object.values(config)) if (value !== undefined) return config;
  return undefined;
}

function encodeResponseFormat(
  format: ResponseFormat | undefined,
): Pick<GeminiGenerationConfig, 'responseMimeType' | 'responseJsonSchema'> | undefined {
  switch (format?.type) {
    case undefined:
    case 'text':
      return undefined;
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema':
      return { responseMimeType: 'application/json', responseJsonSchema: format.schema };
  }
}

function encodeTool(tool: ToolDefinition): GeminiFunctionDeclaration {
  return { name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters };
}

function encodeToolChoice(choice: ToolChoice): GeminiFunctionCallingConfig {
  switch (choice.type) {
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    case 'tool':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
}

// ---- messages ------------------------------------------------------------------------------------

interface EncodedMessages {
  readonly contents: GeminiContent[];
  readonly systemParts: { readonly text: string }[];
}

function encodeMessages(messages: readonly Message[], options: GeminiEncodeOptions): EncodedMessages {
  const contents: GeminiContent[] = [];
  const systemParts: { text: string }[] = [];
  // Gemini pairs a function response with its call by name, so each result's name is looked up here.
  const toolNamesById = new Map<string, string>();
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role === 'system') {
      for (let partIndex = 0; partIndex < message.content.length; partIndex++) {
        systemParts.push({ text: systemText(message.content[partIndex]!, index, partIndex) });
      }
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = encodeParts(message, index, toolNamesById, options);
    // Gemini rejects a turn with no parts; an empty turn carries nothing anyway.
    if (parts.length === 0) continue;
    const previous = contents.at(-1);
    if (previous?.role === role) previous.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return { contents, systemParts };
}

function encodeParts(
  message: Message,
  index: number,
  toolNamesById: Map<string, string>,
  options: GeminiEncodeOptions,
): GeminiRequestPart[] {
  if (message.role === 'tool') return [encodeToolResult(message, index, toolNamesById)];
  const parts: GeminiRequestPart[] = [];
  for (let partIndex = 0; partIndex < message.content.length; partIndex++) {
    parts.push(encodeContentPart(message.content[partIndex]!, index, partIndex));
  }
  const toolCalls = message.toolCalls ?? [];
  for (let callIndex = 0; callIndex < toolCalls.length; callIndex++) {
    const call = toolCalls[callIndex]!;
    toolNamesById.set(call.id, call.name);
    const functionCall = { id: call.id, name: call.name, args: parseArguments(call, index, callIndex) };
    parts.push(
      options.signReplayedCalls && callIndex === 0
        ? { functionCall, thoughtSignature: THOUGHT_SIGNATURE_SENTINEL }
        : { functionCall },
    );
  }
  return parts;
}

function systemText(part: ContentPart, index: number, partIndex: number): string {
  if (part.type === 'text') return part.text;
  throw new GatewayError('unsupported_parameter', 'Gemini takes only text in the system instruction', {
    param: `messages[${index}].content[${partIndex}]`,
  });
}

function encodeContentPart(part: ContentPart, index: number, partIndex: number): GeminiRequestPart {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image':
      return encodeImage(part, index, partIndex);
  }
}

/**
 * Inline images become `inlineData`. URLs become `fileData`: Gemini fetches public and signed
 * http(s) URLs itself, and reads `gs://` objects and Files API URIs; any other scheme cannot reach it.
 */
function encodeImage(part: ImagePart, index: number, partIndex: number): GeminiRequestPart {
  const { source } = part;
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  const scheme = source.url.slice(0, source.url.indexOf(':') + 1).toLowerCase();
  if (scheme !== 'https:' && scheme !== 'http:' && scheme !== 'gs:') {
    throw new GatewayError(
      'unsupported_parameter',
      `Gemini cannot read an image from a '${scheme || source.url}' URL; send it inline (base64) or by http(s) or gs:// URL`,
      { param: `messages[${index}].content[${partIndex}]` },
    );
  }
  return { fileData: { mimeType: imageMimeType(source.url), fileUri: source.url } };
}

const IMAGE_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  gif: 'image/gif',
};

/** The type the URL's file extension implies; undefined (omitted) lets Gemini use the file's own. */
function imageMimeType(url: string): string | undefined {
  let path = url;
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  const dot = path.lastIndexOf('.');
  if (dot === -1 || dot < path.lastIndexOf('/')) return undefined;
  const extension = path.slice(dot + 1).toLowerCase();
  return Object.hasOwn(IMAGE_TYPES_BY_EXTENSION, extension) ? IMAGE_TYPES_BY_EXTENSION[extension] : undefined;
}

/** Gemini takes arguments as a JSON object, not text, so the model's text is parsed here. */
function parseArguments(call: ToolCall, index: number, callIndex: number): JsonObject {
  const param = `messages[${index}].toolCalls[${callIndex}].arguments`;
  if (call.arguments.trim().length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.arguments);
  } catch (error) {
    throw new GatewayError('invalid_request', `Tool call '${call.name}' has arguments that are not JSON`, {
      param,
      cause: error,
    });
  }
  if (!isJsonObject(parsed)) {
    throw new GatewayError(
      'invalid_request',
      `Tool call '${call.name}' has arguments that are not a JSON object`,
      { param },
    );
  }
  return parsed;
}

/**
 * A tool result → `functionResponse`. Gemini wants an object: a result that is a JSON object is sent
 * as is; anything else is wrapped as `{ output: … }`, and a failed call as `{ error: … }` (the keys the
 * API documents for a function's output and its error).
 */
function encodeToolResult(
  message: Message,
  index: number,
  toolNamesById: ReadonlyMap<string, string>,
): GeminiRequestPart {
  const id = message.toolCallId;
  const name = id === undefined ? undefined : toolNamesById.get(id);
  if (id === undefined || name === undefined) {
    throw new GatewayError(
      'invalid_request',
      id === undefined
        ? 'A tool result must say which tool call it answers'
        : `Tool result for '${id}' answers no earlier assistant tool call`,
      { param: `messages[${index}].toolCallId` },
    );
  }
  let text = '';
  for (let partIndex = 0; partIndex < message.content.length; partIndex++) {
    const part = message.content[partIndex]!;
    if (part.type !== 'text') {
      throw new GatewayError('unsupported_parameter', 'Gemini takes only text in a tool result', {
        param: `messages[${index}].content[${partIndex}]`,
      });
    }
    text += partIndex === 0 ? part.text : `\n${part.text}`;
  }
  const value = parseJsonOrText(text);
  const response =
    message.isError === true ? { error: value } : isJsonObject(value) ? value : { output: value };
  return { functionResponse: { id, name, response } };
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
