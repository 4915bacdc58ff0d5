import { captureOutput } from '../helpers/capture-output';
import { startEnvGateway } from '../helpers/env-gateway';
import { send } from '../helpers/http-request';

/** No SESSION_SECRET while a route needs sessions: every such route answers 401, so not ready. */
const routeTable = `
routes:
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://127.0.0.1:9" }
`;

let gateway: Awaited<ReturnType<typeof startEnvGateway>>;
const saved = { ...process.env };

beforeAll(async () => {
  delete process.env.SESSION_SECRET;
  const output = captureOutput();
  try {
    gateway = await startEnvGateway(routeTable, {});
  } finally {
    output.restore();
  }
});
afterAll(async () => {
  await gateway.close();
  process.env = saved;
});

describe('Integration: readiness without a session secret', () => {
  it('reports the session secret as not configured, with 503', async () => {
    const output = captureOutput();
    try {
      const ready = await send(gateway.server.url, { path: '/health/ready' });

      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'unavailable',
        checks: { session_secret: { status: 'down', reason: 'not_configured' } },
      });
    } finally {
      output.restore();
    }
  });
});
