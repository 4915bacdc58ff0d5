import { randomUUID } from 'node:crypto';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import type {
  RotationEvent,
  RotationStep,
} from '../../functions/cache-auth-rotation/rotation-steps';
import type { FakeSecretsManager } from '../helpers/fake-secrets-manager';
import { startRedisWithSecretAuth, useGatewayServer } from '../helpers/gateway-server';
import { type RawResponse, send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisProcess } from '../helpers/redis-process';

/**
 * The scheduled AUTH token rotation (`cacheAuthRotationDays`) end to end: the rotation function's
 * handler runs its four steps as Secrets Manager calls them, against a Secrets Manager fake that
 * speaks the wire protocol (versions and staging labels) and a private redis-server standing in for
 * the cache: ElastiCache's ROTATE adds the new token beside the old one (`ACL SETUSER >token`), SET
 * keeps only the new one and, as the worst case, every client connection is dropped. Meanwhile the
 * gateway, wired from the environment as `npm start` and Lambda wire it (token read at init from
 * the same secret), serves a fail_closed rate-limited route: a Redis it cannot use is a 503.
 */
const OLD_TOKEN = 'scheduled-rotation-old-token-0123456789';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gateway-cache-auth';
const GROUP_ID = 'gateway-rate-limits';
/** Re-read interval + the breaker's open period (5 s) + reconnection backoff (2 s) + noise. */
const RECOVERY_MS = 20_000;
const ROUTE = `limited-${randomUUID().slice(0, 8)}`;
const routeTable = `
routes:
  - { id: ${ROUTE}, path: /limited, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100000, refill_per_second: 1000, scope: ip, on_error: fail_closed } }
`;
const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTESTSCHEDULED',
  AWS_SECRET_ACCESS_KEY: 'test-aws-key-for-fake-endpoint-1',
} as const;

const redis = new RedisProcess();
const elastiCache = mockClient(ElastiCacheClient);
let secretsManager: FakeSecretsManager;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let rotationHandler: (event: RotationEvent, context: Context) => Promise<void>;
const modifications: string[] = [];

/** A connection with `token`: resolves true when the server accepts it. */
const accepts = async (token: string): Promise<boolean> => {
  const client = new Redis({
    port: redis.port,
    password: token,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
};

/** What ElastiCache does to the server for each strategy, done with the server's ACL. */
const applyToServer = async (token: string, strategy: string): Promise<void> => {
  const admin = new Redis({ port: redis.port, password: token, maxRetriesPerRequest: 0 });
  try {
    if (strategy === 'ROTATE') return;
    await admin.call('ACL', 'SETUSER', 'default', 'resetpass', `>${token}`);
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  } finally {
    admin.disconnect();
  }
};

const context = { getRemainingTimeInMillis: () => 600_000 } as unknown as Context;
const step = (token: string, name: RotationStep) =>
  rotationHandler({ SecretId: SECRET_ID, ClientRequestToken: token, Step: name }, context);

const gateway = useGatewayServer(async (own) => {
  const party = await startRedisWithSecretAuth(own, {
    redis,
    secretId: SECRET_ID,
    token: OLD_TOKEN,
    refreshMs: 500,
    awsEnv: AWS_ENV,
  });
  secretsManager = party.secretsManager;
  upstream = own(await startRecordingUpstream());
  own({ close: () => elastiCache.restore() });
  elastiCache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [{ ReplicationGroupId: GROUP_ID, Status: 'available' }],
  });
  elastiCache.on(ModifyReplicationGroupCommand).callsFake(async (input) => {
    const { AuthToken, AuthTokenUpdateStrategy, ReplicationGroupId } = input as {
      AuthToken: string;
      AuthTokenUpdateStrategy: string;
      ReplicationGroupId: string;
    };
    if (ReplicationGroupId !== GROUP_ID) throw new Error('wrong replication group');
    modifications.push(AuthTokenUpdateStrategy);
    if (AuthTokenUpdateStrategy === 'ROTATE') {
      // Both tokens work from now on.
      const admin = new Redis({
        port: redis.port,
        password: secretsManager.current(SECRET_ID),
        maxRetriesPerRequest: 0,
      });
      await admin.call('ACL', 'SETUSER', 'default', `>${AuthToken}`);
      admin.disconnect();
    } else {
      await applyToServer(AuthToken, AuthTokenUpdateStrategy);
    }
    return {};
  });

  return { routeTable, env: { ...party.env, UP: upstream.url } };
});
const { output } = gateway;

beforeAll(async () => {
  // The rotation function's own environment, as its construct sets it.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    REPLICATION_GROUP_ID: GROUP_ID,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redis.port),
    REDIS_TLS: 'false',
  });
  ({ handler: rotationHandler } = await import('../../functions/cache-auth-rotation/handler'));
});

const limited = (): Promise<RawResponse> => send(gateway.server.url, { path: '/limited' });

describe('Integration: scheduled AUTH token rotation under a serving gateway', () => {
  it('rotates through ROTATE, test and SET; the gateway answers throughout and follows without a restart', async () => {
    expect((await limited()).status).toBe(200);
    const version = secretsManager.beginRotation(SECRET_ID);
    const statuses: number[] = [];

    for (const name of ['createSecret', 'setSecret', 'testSecret'] as const) {
      await step(version, name);
      statuses.push((await limited()).status);
    }
    // The window: old and new both accepted, the gateway still on the old one.
    expect(statuses).toEqual([200, 200, 200]);
    expect(await accepts(OLD_TOKEN)).toBe(true);
    expect(secretsManager.current(SECRET_ID)).toBe(OLD_TOKEN);

    await step(version, 'finishSecret');
    const newToken = secretsManager.current(SECRET_ID) ?? '';

    expect(newToken).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(newToken).not.toBe(OLD_TOKEN);
    expect(modifications).toEqual(['ROTATE', 'SET']);
    expect(await accepts(OLD_TOKEN)).toBe(false);
    expect(await accepts(newToken)).toBe(true);

    // Its connection dropped, the gateway is refused the old token, reads the secret again and
    // limits with the new one.
    const deadline = performance.now() + RECOVERY_MS;
    let response = await limited();
    while (
      (response.status !== 200 || response.headers['ratelimit-limit'] === undefined) &&
      performance.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      response = await limited();
    }
    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-limit']).toBeDefined();
    expect(output.text()).not.toContain(newToken);
    expect(output.text()).not.toContain(OLD_TOKEN);
  }, 60_000);

  it('repeats a step without harm, as Secrets Manager may: createSecret keeps the pending token, setSecret does not ROTATE twice', async () => {
    const version = secretsManager.beginRotation(SECRET_ID);
    modifications.length = 0;

    await step(version, 'createSecret');
    const describe = await fetchPending(version);
    await step(version, 'createSecret');
    await step(version, 'setSecret');
    await step(version, 'setSecret');

    expect(await fetchPending(version)).toBe(describe);
    expect(modifications).toEqual(['ROTATE']);
    await step(version, 'testSecret');
    await step(version, 'finishSecret');
    await step(version, 'finishSecret');
    expect(modifications).toEqual(['ROTATE', 'SET']);
    expect(secretsManager.current(SECRET_ID)).toBe(describe);
  }, 30_000);
});

/** The pending version's value, read as the rotation function reads it. */
const fetchPending = async (version: string): Promise<string | undefined> => {
  const { SecretsManagerClient, GetSecretValueCommand } = await import(
    '@aws-sdk/client-secrets-manager'
  );
  const client = new SecretsManagerClient({ endpoint: secretsManager.url });
  try {
    const answer = await client.send(
      new GetSecretValueCommand({ SecretId: SECRET_ID, VersionId: version }),
    );
    return answer.SecretString;
  } finally {
    client.destroy();
  }
};
