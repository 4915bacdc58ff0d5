import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GATED_EVENTS = {
  first: 'event: tick\ndata: first\n\n',
  rest: 'event: tick\ndata: second\n\nevent: tick\ndata: third\n\n',
} as const;

/**
 * An upstream whose `/events` sends one server-sent event, then holds the response open until
 * the test calls `release()` (after it has seen that event, or decided it never will), then sends
 * the rest. A gateway that buffers cannot deliver the first event before the release, however slow
 * or fast the machine: no timing is assumed. Each `release()` lets one held response (the oldest,
 * or the next to arrive) finish.
 */
export const startGatedEventUpstream = async (): Promise<{
  url: string;
  release: () => void;
  close: () => Promise<void>;
}> => {
  const waiting: (() => void)[] = [];
  let permits = 0;
  const gate = (): Promise<void> => {
    if (permits > 0) {
      permits -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else permits += 1;
  };
  const server = createServer(async (request, response) => {
    if (!request.url?.endsWith('/events')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(GATED_EVENTS.first);
    await gate();
    response.end(GATED_EVENTS.rest);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: async () => {
      for (const next of waiting.splice(0)) next();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A GET whose body is observed chunk by chunk, as `curl -N` shows it. */
export const watchStream = (
  baseUrl: string,
  path: string,
): {
  /** Resolves with the first body bytes received, or `undefined` if none came within `ms`. */
  firstChunkWithin: (ms: number) => Promise<string | undefined>;
  /** The whole response once it has ended. */
  done: Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>;
} => {
  const { hostname, port } = new URL(baseUrl);
  let firstChunk: (text: string) => void = () => undefined;
  const first = new Promise<string>((resolve) => {
    firstChunk = resolve;
  });
  const done = new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = httpRequest({ hostname, port, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          firstChunk(chunk.toString('utf8'));
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    },
  );
  return {
    firstChunkWithin: (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      });
      return Promise.race([first, timeout]).finally(() => clearTimeout(timer));
    },
    done,
  };
};
