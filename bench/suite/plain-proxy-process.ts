/**
 * The proxy benchmark's peer, in its own process: a plain reverse proxy, a Node HTTP server that
 * forwards each request with `undici.request` to UPSTREAM_URL (same path), with the headers the
 * gateway forwards (the client's less hop-by-hop ones, X-Forwarded-For/-Proto/-Host/-Port and a
 * correlation id), buffers the answer as the gateway's Function URL does, and returns it with the
 * upstream's headers less hop-by-hop ones. No logging, no metrics, no checks: the floor a gateway
 * is compared against.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Agent, request } from 'undici';
import { listen } from '../../dev/listen';
import type { ListeningMessage } from './messages';

const upstream = process.env.UPSTREAM_URL;
if (!upstream) throw new Error('UPSTREAM_URL is not set');
const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 64 });

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

const forwarded = (incoming: IncomingHttpHeaders, address: string): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['x-forwarded-for'] = address;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-host'] = incoming.host ?? '';
  headers['x-forwarded-port'] = '80';
  headers['x-correlation-id'] = randomUUID();
  return headers;
};

const server = createServer(async (req, res) => {
  try {
    const response = await request(`${upstream}${req.url ?? '/'}`, {
      method: (req.method ?? 'GET') as 'GET',
      headers: forwarded(req.headers, req.socket.remoteAddress ?? ''),
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
      dispatcher,
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(response.statusCode, headers).end(body);
  } catch {
    res.writeHead(502).end();
  }
});
server.keepAliveTimeout = 60_000;

listen(server, 0, '127.0.0.1').then(({ url }) => {
  const message: ListeningMessage = { kind: 'listening', url };
  process.send?.(message);
});
process.once('disconnect', () => process.exit(0));
