import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSseWriter } from './sse-writer.ts';

describe('SSE writer', () => {
  it('delivers every event, including ones written just before end in the same burst', async () => {
    const server = createServer((_request, response) => {
      void (async () => {
        const writer = createSseWriter(response, { 'x-test': '1' });
        await writer.write('data: a\n\n');
        await writer.write('data: b\n\n');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await writer.write('data: c\n\n');
        writer.end('data: [DONE]\n\n');
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(response.headers.get('x-test')).toBe('1');
      expect(await response.text()).toBe('data: a\n\ndata: b\n\ndata: c\n\ndata: [DONE]\n\n');
    } finally {
      server.close();
    }
  });
});
