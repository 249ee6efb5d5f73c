import type { RequestFeature } from '../../../executor/request-fit.ts';
import type { ClientProtocol } from '../client-protocol.ts';
import { decodeMessagesRequest } from './decode-request.ts';
import { encodeAnthropicError } from './encode-error.ts';
import { encodeMessage } from './encode-response.ts';
import { createAnthropicStreamEncoder } from './encode-stream.ts';

/** Features an Anthropic request can express, by their Anthropic names; the rest never arise from it. */
const FIELD_NAMES: Readonly<Record<RequestFeature, string>> = {
  tools: 'tools',
  parallel_tool_calls: 'tool_choice.disable_parallel_tool_use',
  json_object: 'output_format',
  json_schema: 'output_format',
  images: 'messages[].content[].image',
  logprobs: 'logprobs',
  top_k: 'top_k',
  seed: 'seed',
  penalties: 'penalties',
};

/** `POST /v1/messages`. */
export const ANTHROPIC_PROTOCOL: ClientProtocol = {
  name: 'anthropic',
  decodeRequest: decodeMessagesRequest,
  encodeResponse: encodeMessage,
  createStreamEncoder: () => createAnthropicStreamEncoder(),
  encodeError: encodeAnthropicError,
  fieldName: (feature) => FIELD_NAMES[feature],
};
