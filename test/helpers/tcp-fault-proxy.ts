import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does with connections: pass them on, swallow them (accept, read, never answer:
 * a black hole), pass them on with every chunk held `delayMs` in each direction (a slow link), or
 * refuse them (nothing listens: the dependency is stopped).
 */
export type FaultMode =
  | { readonly kind: 'forward' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'stopped' };

export interface TcpFaultProxy {
  /** `http://127.0.0.1:<port>`; the port stays the same across modes, `stopped` included. */
  readonly url: string;
  /** HTTP requests seen from clients (request lines counted in the client-to-server bytes). */
  readonly requests: () => number;
  /** Switches mode; open connections are cut, as a network change or a restart would. */
  setMode(mode: FaultMode): Promise<void>;
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(?:GET|POST|PUT|DELETE|HEAD|PATCH|OPTIONS) \S+ HTTP\/1\.1\r\n/g;

/**
 * A TCP proxy on loopback in front of `target`, whose fault the test chooses while it runs. It
 * lives in the test's process: a test that blocks the event loop must not put it in the path.
 */
export const startTcpFaultProxy = async (target: string): Promise<TcpFaultProxy> => {
  const { hostname, port: targetPort } = new URL(target);
  let mode: FaultMode = { kind: 'forward' };
  let requests = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };

  const delayed = (to: Socket, delayMs: number) => (chunk: Buffer) => {
    // Equal delays keep the order: timers of one duration fire in the order they were set.
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  };

  const onConnection = (client: Socket): void => {
    track(client);
    client.on('error', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      requests += chunk.toString('latin1').match(REQUEST_LINE)?.length ?? 0;
    });
    if (mode.kind === 'blackhole') return;
    const upstream = track(connect(Number(targetPort), hostname));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('close', end);
    if (mode.kind === 'slow') {
      client.on('data', delayed(upstream, mode.delayMs));
      upstream.on('data', delayed(client, mode.delayMs));
    } else {
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
    }
  };

  let server: Server = createServer(onConnection);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  const stopListening = async (): Promise<void> => {
    if (!server.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const cutAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    setMode: async (next) => {
      mode = next;
      cutAll();
      if (next.kind === 'stopped') {
        const closing = stopListening();
        cutAll();
        await closing;
        return;
      }
      if (!server.listening) {
        server = createServer(onConnection);
        server.listen(port, '127.0.0.1');
        await once(server, 'listening');
      }
    },
    close: async () => {
      const closing = stopListening();
      cutAll();
      await closing;
    },
  };
};
