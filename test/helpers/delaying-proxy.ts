import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface DelayingProxy {
  readonly port: number;
  /** How long each chunk from the target waits before it goes on to the client. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback that forwards requests at once and holds each reply chunk for `delayMs`
 * (in order), as a slow or distant server would. `delayMs` may change while connections are open.
 */
export const startDelayingProxy = async (
  target: { host: string; port: number },
  delayMs = 0,
): Promise<DelayingProxy> => {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream);
    // In order, always: one queue per connection, released by one timer at a time, so a chunk
    // never overtakes an earlier one even when `delayMs` changes.
    const queue: { chunk: Buffer; due: number }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const release = (): void => {
      timer = undefined;
      while (queue.length > 0 && (queue[0]?.due ?? 0) <= performance.now()) {
        const next = queue.shift();
        if (next && !client.destroyed) client.write(next.chunk);
      }
      const head = queue[0];
      if (head) timer = setTimeout(release, Math.max(0, head.due - performance.now()));
    };
    upstream.on('data', (chunk: Buffer) => {
      queue.push({ chunk, due: performance.now() + proxy.delayMs });
      if (!timer) timer = setTimeout(release, proxy.delayMs);
    });
    const end = (): void => {
      if (timer) clearTimeout(timer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const proxy: DelayingProxy = {
    port: address.port,
    delayMs,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
};
