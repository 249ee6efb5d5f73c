import { describe, expect, it } from 'vitest';
import { REDACTED, createRedactor, redactValue } from './redact.ts';

const redact = createRedactor([]);

describe('createRedactor', () => {
  it.each([
    ['an OpenAI key', 'key sk-proj-AbCdEf0123456789_xyz-ABC done', `key ${REDACTED} done`],
    ['an Anthropic key', 'sk-ant-api03-AbCdEf0123456789abcdef-XYZ', REDACTED],
    ['a Google key', `k=AIza${'A1b2C3d4E5'.repeat(3)}12345;`, `k=${REDACTED};`],
    ['a GitHub token', `ghp_${'a'.repeat(36)}`, REDACTED],
    ['an AWS key id', 'AKIAABCDEFGHIJKLMNOP', REDACTED],
    [
      'a bearer token',
      'Authorization: Bearer eyJhbGciOi.J9x-y_z/+abc==',
      `Authorization: Bearer ${REDACTED}`,
    ],
    ['an email', 'mail jane.doe+tag@mail.example.co.uk now', `mail ${REDACTED} now`],
  ])('replaces %s', (_, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves look-alikes alone', () => {
    for (const text of [
      'task-0123456789abcdefghij',
      'sk-short',
      'AIza-too-short',
      'user@localhost',
      'a Bearer',
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  it('applies the configured patterns too', () => {
    const custom = createRedactor(['ACME-\\d{6}', 'secret=\\w+']);
    expect(custom('order ACME-123456, secret=hunter2, sk-0123456789abcdefghij')).toBe(
      `order ${REDACTED}, ${REDACTED}, ${REDACTED}`,
    );
  });

  it('stays linear on a long run of token characters', () => {
    const text = `${'a'.repeat(200_000)} ${'a.'.repeat(50_000)}@x`;
    const started = performance.now();
    redact(text);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('redactValue', () => {
  it('redacts every string in a JSON value, keeping keys and other values', () => {
    const prompt = [
      {
        role: 'user',
        content: [{ type: 'text', text: 'my key is sk-0123456789abcdefghij' }],
        n: 1,
        ok: true,
      },
      { role: 'assistant', content: null, tool: { args: '{"email":"a@b.io"}' } },
    ];
    expect(redactValue(prompt, redact)).toEqual([
      { role: 'user', content: [{ type: 'text', text: `my key is ${REDACTED}` }], n: 1, ok: true },
      { role: 'assistant', content: null, tool: { args: `{"email":"${REDACTED}"}` } },
    ]);
    expect(prompt[0]!.content).toEqual([{ type: 'text', text: 'my key is sk-0123456789abcdefghij' }]);
  });
});
