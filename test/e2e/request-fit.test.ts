/** Explicit losses over real sockets: a target that cannot carry a feature is refused, skipped or fitted. */

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.close();
});

const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const withImage: OpenAI.Chat.ChatCompletionMessageParam[] = [
  {
    role: 'user',
    content: [
      { type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: TINY_PNG } },
    ],
  },
];

describe('requests a target cannot fully carry', () => {
  it('strict (the default): 400 unsupported_parameter naming the field, before any upstream call', async () => {
    const error = await stack.client.chat.completions
      .create({ model: 'blind', messages: withImage, max_tokens: 5 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const body = (error as InstanceType<typeof OpenAI.BadRequestError>).error as {
      code: string;
      param: string;
      message: string;
    };
    expect(body.code).toBe('unsupported_parameter');
    expect(body.param).toBe('messages[].content[].image_url');
    expect(body.message).toContain("Model 'blind'");
  });

  it('strict in a fallback chain: the incapable target is skipped for one that can', async () => {
    const { data, response } = await stack.client.chat.completions
      .create({ model: 'sighted-fallback', messages: withImage, max_tokens: 5 })
      .withResponse();
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-model')).toBe('strong');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-dropped-params')).toBeNull();
  });

  it('lenient: the feature is dropped and named in a header, streaming or not', async () => {
    const { response } = await stack.client.chat.completions
      .create({ model: 'lenient-blind', messages: withImage, max_tokens: 5 })
      .withResponse();
    expect(response.headers.get('x-switchyard-model')).toBe('blind');
    expect(response.headers.get('x-switchyard-dropped-params')).toBe('images');

    const stream = await stack.client.chat.completions
      .create({ model: 'lenient-blind', messages: withImage, max_tokens: 5, stream: true })
      .withResponse();
    expect(stream.response.headers.get('x-switchyard-dropped-params')).toBe('images');
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
  });

  it('a capable target sees the request unchanged and no header is added', async () => {
    const { response } = await stack.client.chat.completions
      .create({ model: 'fast', messages: withImage, max_tokens: 5 })
      .withResponse();
    expect(response.headers.get('x-switchyard-dropped-params')).toBeNull();
  });
});
