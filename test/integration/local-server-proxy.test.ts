import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FUNCTION_URL_PAYLOAD_LIMIT_BYTES } from '../../functions/gateway/http/limits';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { configFrom } from '../helpers/test-gateway';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A real upstream on loopback whose behaviour each path chooses. */
const startUpstream = async (): Promise<{ server: Server; url: string; seen: Seen[] }> => {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const path = (req.url ?? '').split('?')[0];
    if (path === '/echo-binary') {
      res
        .writeHead(201, { 'content-type': 'application/octet-stream', 'x-upstream': 'yes' })
        .end(body);
    } else if (path === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/; HttpOnly', 'b=2; Path=/; Secure']);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('two cookies');
    } else if (path === '/redirect') {
      res.writeHead(302, { location: '/elsewhere' }).end();
    } else if (path === '/slow') {
      setTimeout(() => res.writeHead(200).end('late'), 10_000).unref();
    } else if (path === '/hop') {
      res
        .writeHead(200, {
          connection: 'x-secret-hop',
          'x-secret-hop': 'internal',
          'content-type': 'text/plain',
        })
        .end('ok');
    } else {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ path: req.url }));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
};

describe('Integration: local server -> gateway -> loopback upstream', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;

  const gateway = useGatewayServer(async (own) => {
    upstream = await startUpstream();
    own(upstream.server);
    const config = configFrom(
      `
routes:
  - { id: svc, path: "/svc/*", methods: [GET, POST, PUT], upstream: "\${UP}", strip_prefix: /svc, auth_required: false, timeout_ms: 200 }
  - { id: dead, path: "/dead", methods: [GET], upstream: "http://127.0.0.1:1", auth_required: false }
`,
      { UP: upstream.url },
    );
    return { parts: { config, upstream: fetchUpstream() } };
  });

  beforeEach(() => {
    upstream.seen.length = 0;
  });

  it('forwards the raw path and query and returns status, headers and body', async () => {
    const response = await send(gateway.url, { path: '/svc/items/a%20b?q=x%2By&flag&q=2' });

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ path: '/items/a%20b?q=x%2By&flag&q=2' });
    expect(response.headers['x-correlation-id']).toBeDefined();
    expect(response.headers['strict-transport-security']).toContain('max-age=');
  });

  it('round-trips a binary body byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

    const response = await send(gateway.url, {
      method: 'POST',
      path: '/svc/echo-binary',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    expect(response.status).toBe(201);
    expect(response.headers['x-upstream']).toBe('yes');
    expect(response.body).toEqual(bytes);
    expect(upstream.seen[0]?.body).toEqual(bytes);
  });

  it('passes X-Forwarded-* and the correlation id, not hop-by-hop headers', async () => {
    await send(gateway.url, {
      path: '/svc/h',
      headers: {
        'x-correlation-id': 'int-1',
        connection: 'keep-alive, x-drop-me',
        'x-drop-me': '1',
        'x-keep': '2',
      },
    });

    const headers = upstream.seen[0]?.headers ?? {};
    expect(headers).toMatchObject({
      'x-correlation-id': 'int-1',
      'x-keep': '2',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });
    expect(headers['x-forwarded-host']).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(headers['x-drop-me']).toBeUndefined();
  });

  it('drops hop-by-hop headers from the answer', async () => {
    const response = await send(gateway.url, { path: '/svc/hop' });

    expect(response.status).toBe(200);
    expect(response.headers['x-secret-hop']).toBeUndefined();
  });

  it('returns several Set-Cookie headers intact', async () => {
    const response = await send(gateway.url, { path: '/svc/cookies' });

    expect(response.headers['set-cookie']).toEqual([
      'a=1; Path=/; HttpOnly',
      'b=2; Path=/; Secure',
    ]);
  });

  it('forwards request cookies as one Cookie header', async () => {
    await send(gateway.url, { path: '/svc/c', headers: { cookie: 'x=1; y=2' } });

    expect(upstream.seen[0]?.headers.cookie).toBe('x=1; y=2');
  });

  it('passes a redirect back without following it', async () => {
    const response = await send(gateway.url, { path: '/svc/redirect' });

    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/elsewhere');
    expect(upstream.seen).toHaveLength(1);
  });

  it('answers 504 when the upstream exceeds the route timeout', async () => {
    const started = performance.now();

    const response = await send(gateway.url, { path: '/svc/slow' });

    expect(response.status).toBe(504);
    expect(response.json()).toMatchObject({ error: 'upstream_timeout' });
    // The upstream would take 10 s: a 504 well before that is the route's timeout at work; the
    // bound only catches a hang, with room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('answers 502 when the upstream refuses the connection', async () => {
    const response = await send(gateway.url, { path: '/dead' });

    expect(response.status).toBe(502);
    expect(response.json()).toMatchObject({
      error: 'bad_gateway',
      message: 'The upstream service failed to answer correctly',
    });
    expect(response.body.toString()).not.toContain('127.0.0.1:1');
  });

  it('answers an unknown path with the 404 contract', async () => {
    const response = await send(gateway.url, {
      path: '/unknown',
      headers: { 'x-correlation-id': 'nf-1' },
    });

    expect(response.status).toBe(404);
    expect(response.json()).toEqual({
      error: 'not_found',
      message: 'No route matches this path',
      correlation_id: 'nf-1',
      timestamp: expect.any(String),
    });
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it("refuses a body over the Function URL's 6 MiB payload limit as Lambda does, before the gateway", async () => {
    const atLimit = await send(gateway.url, {
      method: 'POST',
      path: '/svc/echo-binary',
      body: Buffer.alloc(FUNCTION_URL_PAYLOAD_LIMIT_BYTES),
    });
    upstream.seen.length = 0;
    const response = await send(gateway.url, {
      method: 'POST',
      path: '/svc/echo-binary',
      body: Buffer.alloc(FUNCTION_URL_PAYLOAD_LIMIT_BYTES + 1),
    }).catch((error: NodeJS.ErrnoException) => error);

    // At the limit the gateway itself answers (the route's own 1 MiB max_body_bytes).
    expect(atLimit.status).toBe(413);
    expect(atLimit.json()).toMatchObject({ error: 'payload_too_large' });
    // One byte over, the front end refuses it with Lambda's own words; the upstream sees nothing.
    expect(response).toMatchObject({ status: 413 });
    expect((response as Awaited<ReturnType<typeof send>>).json()).toEqual({
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
    expect(upstream.seen).toEqual([]);
  });
});
