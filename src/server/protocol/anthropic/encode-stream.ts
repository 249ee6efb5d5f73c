/**
 * Canonical stream parts → Anthropic Messages SSE events (`event: <type>` + `data: <json>`).
 *
 * Anthropic numbers content blocks in order and expects each to be opened and closed; canonical parts
 * say when text and tool calls start, so the encoder opens a block lazily on the first piece of content
 * and closes whatever is open before the next block and at the end. `message_delta` (stop reason and
 * final usage) is held back to `end()`, because an upstream that reports no usage gets an estimate only
 * after its last part.
 */

import type { FinishReason, Usage } from '../../../core/response.ts';
import type { StreamEncoder } from '../stream-encoder.ts';
import { encodeAnthropicError } from './encode-error.ts';
import { toAnthropicUsage } from './encode-usage.ts';
import { toAnthropicStopReason } from './map-stop-reason.ts';

const PING = 'event: ping\ndata: {"type":"ping"}\n\n';

function event(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

export function createAnthropicStreamEncoder(): StreamEncoder {
  let nextBlock = 0;
  /** Index of the open text block, or -1. */
  let textBlock = -1;
  /** Open tool_use blocks: canonical tool-call index → Anthropic block index. */
  const toolBlocks = new Map<number, number>();
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;

  const stop = (index: number): string =>
    event('content_block_stop', `{"type":"content_block_stop","index":${index}}`);

  function closeText(): string {
    if (textBlock === -1) return '';
    const text = stop(textBlock);
    textBlock = -1;
    return text;
  }

  function closeAll(): string {
    let text = closeText();
    for (const index of toolBlocks.values()) text += stop(index);
    toolBlocks.clear();
    return text;
  }

  return {
    encode(part) {
      switch (part.type) {
        case 'stream-start': {
          const message = {
            id: part.id,
            type: 'message',
            role: 'assistant',
            model: part.upstreamModel,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            // Upstreams report usage at the end; the totals arrive in `message_delta`.
            usage: { input_tokens: 0, output_tokens: 0 },
          };
          return (
            event('message_start', `{"type":"message_start","message":${JSON.stringify(message)}}`) + PING
          );
        }
        case 'text-delta': {
          let text = '';
          if (textBlock === -1) {
            textBlock = nextBlock++;
            text = event(
              'content_block_start',
              `{"type":"content_block_start","index":${textBlock},"content_block":{"type":"text","text":""}}`,
            );
          }
          return (
            text +
            event(
              'content_block_delta',
              `{"type":"content_block_delta","index":${textBlock},"delta":{"type":"text_delta","text":${JSON.stringify(part.text)}}}`,
            )
          );
        }
        case 'text-start':
          // Opened on the first delta instead: an empty text block would be noise to clients.
          return '';
        case 'text-end':
          return closeText();
        case 'logprobs':
          // Anthropic's API has no log probabilities, and its clients cannot ask for them.
          return '';
        case 'tool-call-start': {
          const text = closeText();
          const index = nextBlock++;
          toolBlocks.set(part.index, index);
          return (
            text +
            event(
              'content_block_start',
              `{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":${JSON.stringify(part.id)},"name":${JSON.stringify(part.name)},"input":{}}}`,
            )
          );
        }
        case 'tool-call-delta': {
          const index = toolBlocks.get(part.index);
          if (index === undefined || part.argumentsDelta === '') return '';
          return event(
            'content_block_delta',
            `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(part.argumentsDelta)}}}`,
          );
        }
        case 'tool-call-end': {
          const index = toolBlocks.get(part.index);
          if (index === undefined) return '';
          toolBlocks.delete(part.index);
          return stop(index);
        }
        case 'usage':
          usage = part.usage;
          return '';
        case 'finish':
          finishReason = part.finishReason;
          return closeAll();
        case 'error':
          // Anthropic's own in-stream failure event; no `message_stop` follows, so no SDK takes the
          // partial answer for a complete one.
          return event('error', JSON.stringify(encodeAnthropicError(part.error)));
      }
    },
    end() {
      const reason = toAnthropicStopReason(finishReason ?? { unified: 'stop', raw: null });
      const delta = {
        type: 'message_delta',
        delta: { stop_reason: reason, stop_sequence: null },
        usage: toAnthropicUsage(usage ?? { inputTokens: 0, outputTokens: 0 }),
      };
      return (
        closeAll() +
        event('message_delta', JSON.stringify(delta)) +
        event('message_stop', '{"type":"message_stop"}')
      );
    },
  };
}
