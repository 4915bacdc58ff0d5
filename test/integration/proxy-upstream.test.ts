import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { configFrom } from '../helpers/test-gateway';

/** An upstream whose misbehaviour each path picks; it counts requests and TCP connections. */
const startUpstream = async () => {
  const state = { requests: 0, connections: 0, flaky: 0 };
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    const path = (req.url ?? '').split('?')[0];
    if (path === '/flaky') {
      // The first request on each run is reset before any answer: a safe retry for GET.
      state.flaky += 1;
      if (state.flaky % 2 === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok after ${state.flaky} attempts`);
    } else if (path === '/reset-mid-body') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': '100000',
      });
      res.write(Buffer.alloc(1000));
      setTimeout(() => req.socket.destroy(), 20);
    } else if (path === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked
      let i = 0;
      const timer = setInterval(() => {
        res.write(`chunk-${i};`);
        i += 1;
        if (i === 5) {
          clearInterval(timer);
          res.end();
        }
      }, 5);
    } else if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const block = Buffer.alloc(256 * 1024, 7);
      let sent = 0;
      const pump = (): void => {
        while (sent < 8 * 1024 * 1024) {
          sent += block.length;
          if (!res.write(block)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    } else if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('start;');
      setTimeout(() => res.end('late'), 10_000).unref();
    } else {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }
  });
  server.on('connection', (_socket: Socket) => {
    state.connections += 1;
  });
  server.keepAliveTimeout = 10_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

/** A TCP server that accepts and never speaks: a TLS handshake with it never completes. */
const startSilentServer = async () => {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => sockets.length,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
};

describe('Integration: the upstream proxy on undici', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: ReturnType<typeof fetchUpstream>;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;

  const gateway = useGatewayServer(async (own) => {
    upstream = await startUpstream();
    silent = await startSilentServer();
    own(upstream.server);
    own(silent);
    proxy = own(fetchUpstream());
    const config = configFrom(
      `
routes:
  - { id: up, path: "/up/*", methods: [GET, POST], upstream: "\${UP}", strip_prefix: /up, auth_required: false, timeout_ms: 300 }
  - { id: no-retry, path: "/once/*", methods: [GET], upstream: "\${UP}", strip_prefix: /once, auth_required: false, retries: 0 }
  - { id: slow-connect, path: /slow-connect, methods: [GET], upstream: "https://127.0.0.1:\${SILENT_PORT}", auth_required: false, connect_timeout_ms: 150, timeout_ms: 600 }
`,
      { UP: upstream.url, SILENT_PORT: String(silent.port) },
    );
    return { parts: { config, upstream: proxy } };
  });
  const { output } = gateway;

  it('reuses one kept-alive connection across requests', async () => {
    const before = upstream.state.connections;

    for (let i = 0; i < 10; i += 1)
      expect((await send(gateway.url, { path: '/up/ping' })).status).toBe(200);

    expect(upstream.state.connections - before).toBe(1);
  });

  it('sends a GET the upstream read and then dropped only once: 502, never repeated', async () => {
    upstream.state.flaky = 0;

    const response = await send(gateway.url, { path: '/up/flaky' });

    expect(response.status).toBe(502);
    expect(upstream.state.flaky).toBe(1);
  });

  it('does not retry a POST', async () => {
    upstream.state.flaky = 0;

    const response = await send(gateway.url, {
      method: 'POST',
      path: '/up/flaky',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });

    expect(response.status).toBe(502);
    expect(upstream.state.flaky).toBe(1);
  });

  it.each(['GET', 'POST'])(
    'retries a %s whose connection failed before it was sent, once per allowed retry',
    async (method) => {
      let refusals = 0;
      const flakyNetwork = fetchUpstream({
        connector: (timeout) => {
          const real = buildConnector({ timeout });
          return (options, callback) => {
            refusals += 1;
            if (refusals === 1) {
              callback(
                Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
                null,
              );
              return;
            }
            real(options, callback);
          };
        },
      });
      const before = upstream.state.requests;
      try {
        const answer = await flakyNetwork.forward({
          url: `${upstream.url}/ping`,
          origin: upstream.url,
          path: '/ping',
          method,
          headers: method === 'POST' ? { 'content-type': 'text/plain' } : {},
          ...(method === 'POST' ? { body: Buffer.from('x') } : {}),
          timeoutMs: 2_000,
        });

        expect(answer.status).toBe(200);
        expect(refusals).toBe(2);
        expect(upstream.state.requests - before).toBe(1);
      } finally {
        await flakyNetwork.close();
      }
    },
  );

  it('does not retry when the route says retries: 0', async () => {
    upstream.state.flaky = 0;

    expect((await send(gateway.url, { path: '/once/flaky' })).status).toBe(502);
    expect(upstream.state.flaky).toBe(1);
  });

  it('answers 502 when the upstream resets in the middle of the body', async () => {
    const response = await send(gateway.url, { path: '/up/reset-mid-body' });

    expect(response.status).toBe(502);
    expect(response.json()).toMatchObject({ error: 'bad_gateway' });
  });

  it('passes a chunked body through whole', async () => {
    const response = await send(gateway.url, { path: '/up/chunked' });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('chunk-0;chunk-1;chunk-2;chunk-3;chunk-4;');
    // A buffered answer is framed by the front end (the local server, as a Function URL does) with
    // its length: the upstream's chunked framing is not passed on.
    expect(response.headers['transfer-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBe(String(response.body.length));
  });

  it('answers a clear 502 for a body over the buffered 6 MB, without holding it all', async () => {
    const response = await send(gateway.url, { path: '/up/huge' });

    expect(response.status).toBe(502);
    expect(output.json().find((line) => line.message === 'request failed')).toMatchObject({
      reason: 'response_too_large',
    });
  });

  it('answers 504 at the route timeout when the upstream never completes the connection', async () => {
    const started = performance.now();

    const response = await send(gateway.url, { path: '/slow-connect' });

    expect(response.status).toBe(504);
    expect(response.json()).toMatchObject({ error: 'upstream_timeout' });
    // undici neither aborts a pending connect nor times it out finely (its timers tick in
    // hundreds of ms); the gateway's own deadline answers at the route's 600 ms regardless.
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
    // The upstream would take 10 s: a 504 well before that is the route's timeout at work; the
    // bound only catches a hang, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stops waiting at the route timeout even while the body trickles', async () => {
    const started = performance.now();

    const response = await send(gateway.url, { path: '/up/slow-body' });

    expect(response.status).toBe(504);
    // The upstream would take 10 s: a 504 well before that is the route's timeout at work; the
    // bound only catches a hang, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
