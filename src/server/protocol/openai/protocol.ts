import type { RequestFeature } from '../../../executor/request-fit.ts';
import type { ClientProtocol } from '../client-protocol.ts';
import { decodeChatCompletionRequest } from './decode-request.ts';
import { encodeOpenAIError } from './encode-error.ts';
import { encodeChatCompletion } from './encode-response.ts';
import { createOpenAIStreamEncoder } from './encode-stream.ts';

const FIELD_NAMES: Readonly<Record<RequestFeature, string>> = {
  tools: 'tools',
  parallel_tool_calls: 'parallel_tool_calls',
  json_object: 'response_format',
  json_schema: 'response_format',
  images: 'messages[].content[].image_url',
  logprobs: 'logprobs',
  top_k: 'top_k',
  seed: 'seed',
  penalties: 'presence_penalty / frequency_penalty',
};

/** `POST /v1/chat/completions`. */
export const OPENAI_PROTOCOL: ClientProtocol = {
  name: 'openai',
  decodeRequest: decodeChatCompletionRequest,
  encodeResponse: encodeChatCompletion,
  createStreamEncoder: (request) => createOpenAIStreamEncoder({ includeUsage: request.includeUsage }),
  encodeError: encodeOpenAIError,
  fieldName: (feature) => FIELD_NAMES[feature],
};
