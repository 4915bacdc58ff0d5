import { startLocalDynamoDb } from '../../dev/local-dynamodb';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

/**
 * The failure a newcomer met: DYNAMODB_ENDPOINT set on Lambda's wiring without a region. The
 * response says only `error`; the log line must name the cause at its top level.
 */
const routeTable = `
routes:
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://127.0.0.1:9" }
`;

const gateway = useGatewayServer(async (own) => {
  const saved = { ...process.env };
  own({ close: () => (process.env = saved) });
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  const dynamo = own(await startLocalDynamoDb());
  return {
    routeTable,
    env: {
      SESSION_SECRET: 'readiness-region-secret-0123456789abcdef',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  };
});

describe('Integration: a dependency failure names its root cause', () => {
  it('logs "Region is missing" at the top level of the readiness line', async () => {
    // Act
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    // Assess
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      checks: { dynamodb: { status: 'down', reason: 'error' } },
    });
    expect(gateway.output.json()).toContainEqual(
      expect.objectContaining({
        message: 'readiness check failed',
        dependency: 'dynamodb',
        cause: 'Region is missing',
      }),
    );
  });
});
