import { Redis } from 'ioredis';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { startGatewayServer, useGatewayServer } from '../helpers/gateway-server';
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

let redis: RedisProcess;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
const gateway = useGatewayServer(async (own) => {
  redis = own(new RedisProcess());
  await redis.start(undefined, [], REDIS_PASSWORD);
  upstream = own(await startRecordingUpstream());
  return {
    routeTable,
    sessionTable: TABLE,
    env: {
      ENV_SETTINGS_UPSTREAM: upstream.url,
      POWERTOOLS_SERVICE_NAME: SERVICE,
      POWERTOOLS_METRICS_NAMESPACE: NAMESPACE,
      SESSION_SECRET: CURRENT_SECRET,
      SESSION_SECRET_PREVIOUS: PREVIOUS_SECRET,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'false',
      REDIS_PASSWORD,
    },
  };
});
const { output } = gateway;

/** A session in the table, its cookie signed with `secret`. */
const cookieSignedWith = async (secret: string, userId: string): Promise<string> => {
  const admin = new SessionAdmin(gateway.sessionClient(), TABLE, new SessionSigner([secret]));
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
        startGatewayServer({
          routeTable,
          env: {
            ENV_SETTINGS_UPSTREAM: upstream.url,
            REDIS_HOST: '127.0.0.1',
            REDIS_PORT: String(redis.port),
            [name]: 'soon',
          },
        }),
      ).rejects.toThrow(
        `${name} must be a whole number of milliseconds between 1 and 60000, got "soon"`,
      );
    },
  );
});
