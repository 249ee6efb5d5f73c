import type { ServerResponse } from 'node:http';

/**
 * Writes server-sent events with backpressure: when the socket buffer is full the writer waits for
 * `drain` (or the client going away) instead of queueing an unbounded answer in memory.
 */
export interface SseWriter {
  write(text: string): Promise<void>;
  end(text: string): void;
}

export function createSseWriter(
  response: ServerResponse,
  headers: Readonly<Record<string, string>>,
): SseWriter {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Proxies such as nginx must not buffer a stream.
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();

  return {
    async write(text) {
      if (text === '' || response.destroyed) return;
      if (response.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    },
    end(text) {
      if (response.destroyed) return;
      response.end(text);
    },
  };
}
