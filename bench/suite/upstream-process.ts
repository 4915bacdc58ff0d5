/**
 * The proxy benchmark's upstream, in its own process: 1 KB of JSON on any path, kept-alive
 * connections. Says where it listens over IPC.
 */
import { createServer } from 'node:http';
import { listen } from '../../dev/listen';
import type { ListeningMessage } from './messages';

const PAYLOAD = JSON.stringify({
  items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'] })),
}).padEnd(1024);
const HEADERS = {
  'content-type': 'application/json',
  'content-length': String(Buffer.byteLength(PAYLOAD)),
};

const server = createServer((req, res) => {
  // The request body, if any, is read before the answer, as a service would.
  req.resume();
  req.once('end', () => res.writeHead(200, HEADERS).end(PAYLOAD));
});
server.keepAliveTimeout = 60_000;

listen(server, 0, '127.0.0.1').then(({ url }) => {
  const message: ListeningMessage = { kind: 'listening', url };
  process.send?.(message);
});
process.once('disconnect', () => process.exit(0));
