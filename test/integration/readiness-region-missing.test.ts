import { type LocalDynamoDb, startLocalDynamoDb } from '../../dev/local-dynamodb';
import { captureOutput } from '../helpers/capture-output';
import { startEnvGateway } from '../helpers/env-gateway';
import { send } from '../helpers/http-request';

/**
 * The failure a newcomer met: DYNAMODB_ENDPOINT set on Lambda's wiring without a region. The
 * response says only `error`; the log line must name the cause at its top level.
 */
const routeTable = `
routes:
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://127.0.0.1:9" }
`;

let dynamo: LocalDynamoDb;
let gateway: Awaited<ReturnType<typeof startEnvGateway>>;
const saved = { ...process.env };

beforeAll(async () => {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  dynamo = await startLocalDynamoDb();
  gateway = await startEnvGateway(routeTable, {
    SESSION_SECRET: 'readiness-region-secret-0123456789abcdef',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
});
afterAll(async () => {
  await gateway.close();
  await dynamo.close();
  process.env = saved;
});

describe('Integration: a dependency failure names its root cause', () => {
  it('logs "Region is missing" at the top level of the readiness line', async () => {
    const output = captureOutput();
    try {
      // Act
      const ready = await send(gateway.server.url, { path: '/health/ready' });

      // Assess
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({
        checks: { dynamodb: { status: 'down', reason: 'error' } },
      });
      expect(output.json()).toContainEqual(
        expect.objectContaining({
          message: 'readiness check failed',
          dependency: 'dynamodb',
          cause: 'Region is missing',
        }),
      );
    } finally {
      output.restore();
    }
  });
});
