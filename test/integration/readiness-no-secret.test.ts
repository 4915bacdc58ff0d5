import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

/** No SESSION_SECRET while a route needs sessions: every such route answers 401, so not ready. */
const routeTable = `
routes:
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://127.0.0.1:9" }
`;

const gateway = useGatewayServer(async () => ({ routeTable, unset: ['SESSION_SECRET'] }));

describe('Integration: readiness without a session secret', () => {
  it('reports the session secret as not configured, with 503', async () => {
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'unavailable',
      checks: { session_secret: { status: 'down', reason: 'not_configured' } },
    });
  });
});
