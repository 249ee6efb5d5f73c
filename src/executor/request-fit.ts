/**
 * Explicit losses: before a request goes to a target, find what it asks for that the target cannot
 * carry. A route in `strict` mode refuses such a target (and a fallback chain moves on to one that can);
 * in `lenient` mode the features are removed and named in a response header. Which target can do what
 * comes from the adapter (`parameters`, `capabilities(model)`), never from this file.
 */

import { GatewayError } from '../core/errors.ts';
import type { ModelCapabilities } from '../core/model.ts';
import type { ChatRequest, ContentPart, Message, SamplingOptions } from '../core/request.ts';
import { hasImages } from '../features/signals/conversation.ts';
import type { ParameterSupport } from '../providers/contract.ts';

/** A canonical request feature a target may lack. Client protocols name each in their own terms. */
export type RequestFeature =
  | 'tools'
  | 'parallel_tool_calls'
  | 'json_object'
  | 'json_schema'
  | 'images'
  | 'logprobs'
  | 'top_k'
  | 'seed'
  | 'penalties';

export type OnUnsupported = 'strict' | 'lenient';

/** What `request` uses that the target cannot carry, in a fixed order. Empty for nearly every request. */
export function findLosses(
  request: ChatRequest,
  capabilities: ModelCapabilities,
  parameters: ParameterSupport,
): RequestFeature[] {
  const losses: RequestFeature[] = [];
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (hasTools && !capabilities.tools) losses.push('tools');
  // Only an explicit preference can be lost: every format's default allows parallel calls.
  if (hasTools && request.parallelToolCalls === false && !capabilities.parallelToolCalls) {
    losses.push('parallel_tool_calls');
  }
  const format = request.responseFormat?.type;
  if (format === 'json_object' && !capabilities.jsonObject) losses.push('json_object');
  if (format === 'json_schema' && !capabilities.jsonSchema) losses.push('json_schema');
  if (!capabilities.vision && hasImages(request.messages)) losses.push('images');
  if (request.logprobs !== undefined && !capabilities.logprobs) losses.push('logprobs');
  const sampling = request.sampling;
  if (sampling.topK !== undefined && !parameters.topK) losses.push('top_k');
  if (sampling.seed !== undefined && !parameters.seed) losses.push('seed');
  if (
    (sampling.presencePenalty !== undefined || sampling.frequencyPenalty !== undefined) &&
    !parameters.penalties
  ) {
    losses.push('penalties');
  }
  return losses;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function withoutImages(message: Message): Message {
  if (!message.content.some((part) => part.type === 'image')) return message;
  const content: ContentPart[] = message.content.filter((part) => part.type !== 'image');
  return { ...message, content };
}

/** A copy of `request` without the given features (lenient mode). */
export function dropFeatures(request: ChatRequest, features: readonly RequestFeature[]): ChatRequest {
  const fitted: Mutable<ChatRequest> = { ...request };
  const sampling: Mutable<SamplingOptions> = { ...request.sampling };
  for (const feature of features) {
    switch (feature) {
      case 'tools':
        delete fitted.tools;
        delete fitted.toolChoice;
        delete fitted.parallelToolCalls;
        break;
      case 'parallel_tool_calls':
        delete fitted.parallelToolCalls;
        break;
      case 'json_object':
      case 'json_schema':
        delete fitted.responseFormat;
        break;
      case 'images':
        fitted.messages = request.messages.map(withoutImages);
        break;
      case 'logprobs':
        delete fitted.logprobs;
        break;
      case 'top_k':
        delete sampling.topK;
        break;
      case 'seed':
        delete sampling.seed;
        break;
      case 'penalties':
        delete sampling.presencePenalty;
        delete sampling.frequencyPenalty;
        break;
    }
  }
  fitted.sampling = sampling;
  return fitted;
}

/** The strict-mode refusal, naming the client's field. */
export function unsupportedError(
  features: readonly RequestFeature[],
  target: { readonly id: string; readonly provider: string },
  fieldName: (feature: RequestFeature) => string,
): GatewayError {
  const fields = features.map(fieldName);
  return new GatewayError(
    'unsupported_parameter',
    `Model '${target.id}' cannot honour ${fields.map((field) => `'${field}'`).join(', ')}; remove ${
      fields.length === 1 ? 'it' : 'them'
    } or choose another model (a lenient route would drop ${fields.length === 1 ? 'it' : 'them'}).`,
    { param: fields[0] ?? '', provider: target.provider, model: target.id },
  );
}
