import type { ServerResponse } from 'node:http';

/**
 * Writes server-sent events with backpressure: when the socket buffer is full the writer waits for
 * `drain` (or the client going away) instead of queueing an unbounded answer in memory.
 *
 * Writes are corked until the current burst of work ends (`process.nextTick` runs after the microtask
 * chain that decoded one upstream read), so the events decoded from one upstream packet leave in one
 * syscall instead of one each, at no cost in latency. The socket is corked, not the response: a corked
 * ServerResponse buffers chunks and, on uncork, writes them one syscall each after uncorking its socket.
 */
export interface SseWriter {
  write(text: string): Promise<void>;
  end(text: string): void;
}

const WRITTEN = Promise.resolve();

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
  const socket = response.socket;
  let corked = false;
  const uncork = (): void => {
    if (!corked) return;
    corked = false;
    socket?.uncork();
  };

  return {
    write(text) {
      if (text === '' || response.destroyed) return WRITTEN;
      if (!corked && socket !== null) {
        corked = true;
        socket.cork();
        process.nextTick(uncork);
      }
      if (response.write(text)) return WRITTEN;
      return new Promise<void>((resolve) => {
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
      uncork();
      response.end(text);
    },
  };
}
