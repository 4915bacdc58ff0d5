import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';

/**
 * A raw TCP upstream on loopback whose misbehaviour the request path picks, for fault tests the
 * polite `node:http` server cannot stage (garbage, an unasked `100 Continue`, huge heads). It counts
 * the requests it read per path, so a test can tell a retried request from a single one.
 */
export const startMisbehavingUpstream = async () => {
  const seen = new Map<string, number>();
  const sockets = new Set<Socket>();
  const answer = (socket: Socket, path: string): void => {
    const ok = (body: string): string =>
      `HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    switch (path) {
      case '/hang':
        return; // read the request, never answer
      case '/close-after-read':
        socket.destroy();
        return;
      case '/reset-after-read':
        socket.resetAndDestroy();
        return;
      case '/garbage':
        socket.end('SURPRISE\r\n\r\n');
        return;
      case '/continue-unasked':
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        socket.write(ok('after continue'));
        return;
      case '/early-hints':
        socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n');
        socket.write(ok('after hints'));
        return;
      case '/stall-mid-body':
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 100\r\n\r\n');
        socket.write('only ten..');
        return;
      case '/huge-head':
        socket.end(
          `HTTP/1.1 200 OK\r\nx-huge: ${'a'.repeat(256 * 1024)}\r\ncontent-length: 0\r\n\r\n`,
        );
        return;
      default:
        socket.write(ok(`ok ${path}`));
    }
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      // One request per read is enough here: heads end at the blank line, bodies are small.
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        const path = (head.split(' ')[1] ?? '/').split('?')[0] ?? '/';
        seen.set(path, (seen.get(path) ?? 0) + 1);
        answer(socket, path);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** How many requests for `path` reached the upstream. */
    seen: (path: string): number => seen.get(path) ?? 0,
    close: async (): Promise<void> => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A port on loopback that nothing listens on: connections are refused. */
export const closedPort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};
