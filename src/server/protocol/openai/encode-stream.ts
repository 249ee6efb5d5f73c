/**
 * Canonical stream parts → OpenAI `chat.completion.chunk` SSE frames. The envelope of every chunk is
 * the same, so it is serialised once per stream and only each delta is stringified per part.
 */

import type { Usage } from '../../../core/response.ts';
import type { StreamEncoder } from '../stream-encoder.ts';
import { encodeOpenAIError } from './encode-error.ts';
import { writeLogprobs } from './encode-logprobs.ts';
import { toOpenAIFinishReason } from './map-finish-reason.ts';
import { toOpenAIUsage } from './encode-usage.ts';

/** `end()` writes the usage chunk if the client asked for it, then `[DONE]`. */
export function createOpenAIStreamEncoder(options: { includeUsage: boolean }): StreamEncoder {
  let prefix = '';
  let envelope = '';
  let usage: Usage | undefined;

  const chunk = (delta: string, finishReason: string | null): string =>
    `${prefix}${delta},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : `"${finishReason}"`}}]}\n\n`;

  return {
    encode(part) {
      switch (part.type) {
        case 'stream-start':
          envelope = `{"id":${JSON.stringify(part.id)},"object":"chat.completion.chunk","created":${part.created},"model":${JSON.stringify(part.upstreamModel)}`;
          prefix = `data: ${envelope},"choices":[{"index":0,"delta":`;
          return chunk('{"role":"assistant","content":""}', null);
        case 'text-delta':
          return chunk(`{"content":${JSON.stringify(part.text)}}`, null);
        case 'tool-call-start':
          return chunk(
            `{"tool_calls":[{"index":${part.index},"id":${JSON.stringify(part.id)},"type":"function","function":{"name":${JSON.stringify(part.name)},"arguments":""}}]}`,
            null,
          );
        case 'tool-call-delta':
          return chunk(
            `{"tool_calls":[{"index":${part.index},"function":{"arguments":${JSON.stringify(part.argumentsDelta)}}}]}`,
            null,
          );
        case 'logprobs':
          // A chunk of its own (empty delta): SDKs append every chunk's logprobs.content in order.
          return `${prefix}{},"logprobs":${JSON.stringify(writeLogprobs(part.tokens))},"finish_reason":null}]}\n\n`;
        case 'finish':
          return chunk('{}', toOpenAIFinishReason(part.finishReason));
        case 'usage':
          usage = part.usage;
          return '';
        case 'error':
          // OpenAI's own streams report a failure as an `error` object; SDKs raise on it. No [DONE]
          // follows, so no client can take the partial answer for a complete one.
          return `data: ${JSON.stringify(encodeOpenAIError(part.error))}\n\n`;
        case 'text-start':
        case 'text-end':
        case 'tool-call-end':
          return '';
      }
    },
    end() {
      const usageChunk =
        options.includeUsage && usage !== undefined
          ? `data: ${envelope},"choices":[],"usage":${JSON.stringify(toOpenAIUsage(usage))}}\n\n`
          : '';
      return `${usageChunk}data: [DONE]\n\n`;
    },
  };
}
