import { createServer } from 'node:http';
import { type Listening, listen } from './listen';

export type DemoUpstream = Listening;

const json = (status: number, body: unknown): [number, Record<string, string>, string] => [
  status,
  { 'content-type': 'application/json' },
  JSON.stringify(body, null, 2),
];

/**
 * The service `npm start` puts behind the gateway, so a newcomer has something to call.
 * Public content lives under `/public` and the protected API under `/users`, so that no public
 * route of the shipped config can reach a protected path (the config check refuses that):
 * `/public/hello` greets; `/public/echo/...` answers with what it received (method, path, query,
 * headers, body size), which shows what the gateway forwards; `/public/events` sends server-sent
 * events; `/users/{id}` plays a protected API.
 */
export const startDemoUpstream = async (port = 0, host = '127.0.0.1'): Promise<DemoUpstream> => {
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://demo');
    let answer: [number, Record<string, string>, string];
    if (url.pathname === '/public/events') {
      // Server-sent events: five ticks, one every 200 ms, then the stream ends.
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (let tick = 1; tick <= 5; tick += 1) {
        response.write(
          `event: tick\ndata: ${JSON.stringify({ tick, time: new Date().toISOString() })}\n\n`,
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      response.end();
      return;
    }
    if (url.pathname === '/public/hello') {
      answer = json(200, {
        message: 'Hello from the demo upstream',
        time: new Date().toISOString(),
      });
    } else if (url.pathname === '/public/echo' || url.pathname.startsWith('/public/echo/')) {
      answer = json(200, {
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: request.headers,
        body_bytes: body.length,
      });
    } else if (/^\/users\/[^/]+$/.test(url.pathname)) {
      answer = json(200, {
        id: decodeURIComponent(url.pathname.split('/')[2] ?? ''),
        name: 'Demo User',
        seen_by: request.headers['x-user-id'] ?? null,
      });
    } else {
      answer = json(404, {
        message:
          'The demo upstream has /public/hello, /public/echo/..., /public/events and /users/{id}',
      });
    }
    response.writeHead(answer[0], answer[1]).end(answer[2]);
  });
  return listen(server, port, host);
};
