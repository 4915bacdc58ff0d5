import { Redis } from 'ioredis';
import {
  createSessionTable,
  LOCAL_AWS_ENV,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../dev/local-dynamodb';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { captureOutput } from '../helpers/capture-output';
import { startEnvGateway } from '../helpers/env-gateway';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisProcess } from '../helpers/redis-process';

/**
 * Settings that had no test through the composed product: the environment -> `wireGatewayFromEnv`
 * -> the local server of `npm start`, over HTTP. Each is set to a value other than its default,
 * and a test shows a user-visible effect that only that value explains.
 */
const TABLE = 'env-settings-sessions';
const CURRENT_SECRET = 'env-settings-current-secret-0123456789abcdef';
const PREVIOUS_SECRET = 'env-settings-previous-secret-0123456789abcdef';
const REDIS_PASSWORD = 'env-settings-redis-password-0123456789';
const SERVICE = 'env-settings-service';
const NAMESPACE = 'EnvSettingsNamespace';

const routeTable = `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "\${ENV_SETTINGS_UPSTREAM}", rate_limit: { capacity: 1, refill_per_second: 0.01, scope: user } }
`;

let dynamo: LocalDynamoDb;
let redis: RedisProcess;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let gateway: Awaited<ReturnType<typeof startEnvGateway>>;
let adminClient: ReturnType<typeof createDocumentClient>;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  // For the test's own session admin client (dynalite checks no credentials).
  Object.assign(process.env, LOCAL_AWS_ENV);
  dynamo = await startLocalDynamoDb();
  await createSessionTable(dynamo.endpoint, TABLE);
  redis = new RedisProcess();
  await redis.start(undefined, [], REDIS_PASSWORD);
  upstream = await startRecordingUpstream();
  gateway = await startEnvGateway(routeTable, {
    ...LOCAL_AWS_ENV,
    ENV_SETTINGS_UPSTREAM: upstream.url,
    POWERTOOLS_SERVICE_NAME: SERVICE,
    POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
    SESSION_SECRET: CURRENT_SECRET,
    SESSION_SECRET_PREVIOUS: PREVIOUS_SECRET,
    SESSION_TABLE: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redis.port),
    REDIS_TLS: 'false',
    REDIS_PASSWORD,
  });
  adminClient = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
}, 30_000);

afterAll(async () => {
  adminClient?.destroy();
  await gateway?.close();
  await upstream?.close();
  await redis?.stop();
  await dynamo?.close();
});

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

/** A session in the table, its cookie signed with `secret`. */
const cookieSignedWith = async (secret: string, userId: string): Promise<string> => {
  const admin = new SessionAdmin(adminClient, TABLE, new SessionSigner([secret]));
  const { token } = await admin.create({ userId, ttlSeconds: 600 });
  return `session_token=${token}`;
};

describe('Integration: environment settings through wireGatewayFromEnv and the local server', () => {
  it('SESSION_SECRET_PREVIOUS: accepts a cookie signed with the previous secret, not one signed with another', async () => {
    const previous = await cookieSignedWith(PREVIOUS_SECRET, 'rotated-user');
    const other = await cookieSignedWith('some-other-secret-0123456789abcdefgh', 'forged-user');

    const accepted = await send(gateway.server.url, { path: '/me', headers: { cookie: previous } });
    const refused = await send(gateway.server.url, { path: '/me', headers: { cookie: other } });

    expect(accepted.status).toBe(200);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('REDIS_HOST, REDIS_PORT, REDIS_TLS=false and REDIS_PASSWORD: the buckets live in that Redis', async () => {
    const cookie = await cookieSignedWith(CURRENT_SECRET, 'redis-user');

    const first = await send(gateway.server.url, { path: '/me', headers: { cookie } });
    const second = await send(gateway.server.url, { path: '/me', headers: { cookie } });
    const ready = await send(gateway.server.url, { path: '/health/ready' });
    const client = new Redis({ port: redis.port, password: REDIS_PASSWORD, lazyConnect: true });
    await client.connect();
    const keys = await client.keys('rl:*redis-user*');
    await client.quit();

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.json()).toMatchObject({ error: 'rate_limited' });
    expect(keys).toHaveLength(1);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({
      checks: { redis: { status: 'up' }, dynamodb: { status: 'up' } },
    });
  });

  it('POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE name the log lines and metrics', async () => {
    await send(gateway.server.url, { path: '/nowhere' });

    const lines = output.json();
    const access = lines.find((line) => line.message === 'request');
    const emf = lines.find((line) => '_aws' in line) as
      | { _aws: { CloudWatchMetrics: { Namespace: string }[] }; service: string }
      | undefined;

    expect(access).toMatchObject({ service: SERVICE });
    expect(emf?._aws.CloudWatchMetrics[0]?.Namespace).toBe(NAMESPACE);
    expect(emf?.service).toBe(SERVICE);
  });

  it.each(['REDIS_CONNECT_TIMEOUT_MS', 'REDIS_COMMAND_TIMEOUT_MS'])(
    '%s: a value that is not a whole number of milliseconds fails the init, naming the setting',
    async (name) => {
      await expect(
        startEnvGateway(routeTable, {
          ENV_SETTINGS_UPSTREAM: upstream.url,
          REDIS_HOST: '127.0.0.1',
          REDIS_PORT: String(redis.port),
          [name]: 'soon',
        }),
      ).rejects.toThrow(
        `${name} must be a whole number of milliseconds between 1 and 60000, got "soon"`,
      );
    },
  );
});
