import { useNpmStart } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

const PORT = 25_080;
const BASE = `http://127.0.0.1:${PORT}`;

/**
 * The attacks of issue 11 replayed against `npm start` itself: a fresh process on embedded
 * defaults (the shipped config/gateway.yml, the demo upstream, dynalite), reached over HTTP.
 */
describe('Integration: npm start under the attacks of issue 11', () => {
  useNpmStart(() => ({ GATEWAY_PORT: String(PORT), DYNAMODB_PORT: String(PORT + 1) }));

  it('keeps serving after 64 POSTs with Expect: 100-continue (the pool is never left short)', async () => {
    for (let i = 0; i < 64; i += 1) {
      const response = await send(BASE, {
        method: 'POST',
        path: '/demo/echo',
        headers: { expect: '100-continue', 'content-type': 'text/plain', 'content-length': '1' },
        body: 'x',
      });
      expect(response.status).toBeLessThan(500);
    }

    const hello = await send(BASE, { path: '/demo/hello' });

    expect(hello.status).toBe(200);
    // 65 requests through a child process on a loaded 2-core machine take more than jest's 5 s
    // default; a pool left short still fails the test, by hanging past this bound.
  }, 30_000);

  it('does not hand the protected user out through the public demo route', async () => {
    const response = await send(BASE, { path: '/demo/users/1' });

    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain('Demo User');
  });

  it.each([
    '/demo/..\\users\\1',
    '/demo/..%5Cusers%5C1',
    '/demo/x%2F..%2F..%2Fusers%2F1',
    '/demo/..;/users/1',
  ])('refuses the path %s with 400 before it reaches the upstream', async (path) => {
    const response = await send(BASE, { path });

    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'bad_request',
      correlation_id: expect.any(String),
    });
  });

  it('answers 405 for a method the protected route does not allow', async () => {
    const response = await send(BASE, { method: 'DELETE', path: '/api/users/1' });

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, PUT');
  });
});
