/**
 * JSON mode on a wire format without `response_format`: the request gains one tool whose input schema is
 * the wanted output, and `tool_choice` forces the model to call it. The call's input is then the answer,
 * handed back to the client as text. Forced tool use is how Anthropic's own docs get JSON out of Claude.
 */

import { GatewayError } from '../../core/errors.ts';
import type { ChatRequest, ResponseFormat } from '../../core/request.ts';

/** The emulating tool's name; only ever sent when the client gave no tools of its own. */
export const JSON_TOOL_NAME = 'json_response';

const JSON_OBJECT_DESCRIPTION = 'Give your answer as a JSON object by calling this tool.';
const JSON_SCHEMA_DESCRIPTION = 'Give your answer by calling this tool with input matching its schema.';

export interface JsonTool {
  readonly name: string;
  readonly description: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
}

type JsonFormat = Exclude<ResponseFormat, { type: 'text' }>;

export function isJsonMode(request: ChatRequest): boolean {
  const type = request.responseFormat?.type;
  return type === 'json_object' || type === 'json_schema';
}

/** The tool that carries the requested format; throws when the request cannot be emulated. */
export function jsonTool(request: ChatRequest, format: JsonFormat): JsonTool {
  if (request.tools !== undefined && request.tools.length > 0) {
    // With the client's own tools, forcing ours would stop the model from calling theirs.
    throw new GatewayError(
      'unsupported_parameter',
      'response_format cannot be combined with tools on this provider: Anthropic has no native JSON mode, and the gateway emulates it with a forced tool call.',
      { param: 'response_format' },
    );
  }
  if (format.type === 'json_object') {
    return { name: JSON_TOOL_NAME, description: JSON_OBJECT_DESCRIPTION, input_schema: { type: 'object' } };
  }
  const rootType = format.schema.type;
  if (rootType !== undefined && rootType !== 'object') {
    // A tool's input is always an object on Anthropic.
    throw new GatewayError(
      'unsupported_parameter',
      `response_format.json_schema.schema must describe an object on this provider, not ${JSON.stringify(rootType)}.`,
      { param: 'response_format.json_schema.schema' },
    );
  }
  return {
    name: JSON_TOOL_NAME,
    description: format.description ?? JSON_SCHEMA_DESCRIPTION,
    input_schema: format.schema,
  };
}
