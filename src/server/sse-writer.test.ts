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

describe('SSE writer backpressure', () => {
  it('makes the producer wait while the client is not reading', async () => {
    let release: () => void = () => undefined;
    let producedWhileBlocked = 0;
    const server = createServer((_request, response) => {
      void (async () => {
        const writer = createSseWriter(response, {});
        const big = `data: ${'x'.repeat(64 * 1024)}\n\n`;
        for (let index = 0; index < 400; index++) {
          await writer.write(big);
          producedWhileBlocked = index;
        }
        writer.end('data: [DONE]\n\n');
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const { request } = await import('node:http');
    const received = new Promise<number>((resolve) => {
      const clientRequest = request({ host: '127.0.0.1', port, path: '/' }, (response) => {
        response.pause();
        release = () => {
          let bytes = 0;
          response.on('data', (chunk: Buffer) => (bytes += chunk.length));
          response.on('end', () => resolve(bytes));
          response.resume();
        };
      });
      clientRequest.end();
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      // 400 × 64 KiB = 25 MiB; with the client paused the producer must have stopped far short of that.
      expect(producedWhileBlocked).toBeLessThan(200);
      release();
      expect(await received).toBeGreaterThan(400 * 64 * 1024);
    } finally {
      server.close();
    }
  });
});
