import { type DemoUpstream, startDemoUpstream } from '../../dev/demo-upstream';
import { loadConfig } from '../../functions/gateway/loader/load-config';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

/** What `npm start` serves: the shipped config/gateway.yml against the demo upstream. */
describe('Integration: the npm start demo', () => {
  let demo: DemoUpstream;
  const gateway = useGatewayServer(async (own) => {
    demo = own(await startDemoUpstream());
    return {
      parts: {
        config: loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: demo.url }),
        upstream: fetchUpstream(),
      },
    };
  });

  it('proxies the public demo route with security headers and a correlation id', async () => {
    const response = await send(gateway.url, { path: '/demo/hello' });

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ message: 'Hello from the demo upstream' });
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers /health/live', async () => {
    expect((await send(gateway.url, { path: '/health/live' })).status).toBe(200);
  });

  it('refuses the protected demo route without a session', async () => {
    const response = await send(gateway.url, { path: '/api/users/1' });

    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthenticated' });
  });
});
