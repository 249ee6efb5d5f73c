/** A whole answer as a committed stream: what a held (verified) answer is sent as to a streaming client. */

import type { ChatResponse, StreamBatch, StreamPart } from '../../core/response.ts';

export function responseAsStream(response: ChatResponse): AsyncIterable<StreamBatch> {
  const parts: StreamPart[] = [
    {
      type: 'stream-start',
      id: response.id,
      upstreamModel: response.upstreamModel,
      created: response.created,
    },
  ];
  if (response.text !== '') {
    parts.push({ type: 'text-start' }, { type: 'text-delta', text: response.text });
    if (response.logprobs !== undefined) parts.push({ type: 'logprobs', tokens: response.logprobs });
    parts.push({ type: 'text-end' });
  }
  for (const [index, call] of response.toolCalls.entries()) {
    parts.push(
      { type: 'tool-call-start', index, id: call.id, name: call.name },
      { type: 'tool-call-delta', index, argumentsDelta: call.arguments },
      { type: 'tool-call-end', index },
    );
  }
  if (response.usage !== undefined) parts.push({ type: 'usage', usage: response.usage });
  parts.push({ type: 'finish', finishReason: response.finishReason });
  return {
    async *[Symbol.asyncIterator]() {
      yield parts;
    },
  };
}
