import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { FakeSecretsManager } from '../helpers/fake-secrets-manager';
import { startRedisWithSecretAuth, useGatewayServer } from '../helpers/gateway-server';
import { type RawResponse, send } from '../helpers/http-request';
import { failOpenAndClosedRoutes } from '../helpers/limited-routes';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisProcess } from '../helpers/redis-process';

/**
 * An ElastiCache AUTH token rotation under the gateway as Lambda runs it: the gateway's wiring (`loadGatewaySecrets`) reads the
 * token at init (as `handler.ts` does), then environment -> wireGatewayFromEnv -> local server.
 * Secrets Manager is a fake speaking its wire protocol, reached through
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`; Redis is a private redis-server whose `requirepass` the test
 * changes and whose connections it kills, as ElastiCache does when the old token stops working.
 */

const OLD_TOKEN = 'rotation-old-token-0123456789abcdef';
const NEW_TOKEN = 'rotation-new-token-fedcba9876543210';
const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gateway-redis-auth';
const INTERVAL_MS = 2000;
/** Re-read interval + the breaker's open period (5 s) + reconnection backoff (2 s) + noise. */
const RECOVERY_MS = 20_000;

const { routeTable } = failOpenAndClosedRoutes('');

const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTESTROTATION',
  AWS_SECRET_ACCESS_KEY: 'test-aws-key-for-fake-endpoint-0',
} as const;

const redis = new RedisProcess();
let secretsManager: FakeSecretsManager;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let allOutput = '';

/** Rotates the private server's token and drops every client connection (the admin's own too). */
const rotateRedisTo = async (current: string, next: string): Promise<void> => {
  const admin = new Redis({ port: redis.port, password: current, maxRetriesPerRequest: 0 });
  await admin.config('SET', 'requirepass', next);
  await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no').catch(() => undefined);
  admin.disconnect();
};

const gateway = useGatewayServer(async (own) => {
  const party = await startRedisWithSecretAuth(own, {
    redis,
    secretId: SECRET_ID,
    token: OLD_TOKEN,
    refreshMs: INTERVAL_MS,
    awsEnv: AWS_ENV,
  });
  secretsManager = party.secretsManager;
  upstream = own(await startRecordingUpstream());
  return { routeTable, env: { ...party.env, UP: upstream.url } };
});
const { output } = gateway;
afterEach(() => {
  allOutput += output.text();
});

const { logLines } = output;

const untilLimitedAgain = (path: string): Promise<RawResponse> =>
  gateway.poll(
    path,
    (response) => response.status === 200 && response.headers['ratelimit-limit'] !== undefined,
    RECOVERY_MS,
  );

describe('Integration: ElastiCache AUTH token rotation (npm start wiring, Secrets Manager fake)', () => {
  it('limits with the token read from Secrets Manager at init', async () => {
    const response = await send(gateway.server.url, { path: '/closed' });

    expect(response.status).toBe(200);
    expect(response.headers['ratelimit-remaining']).toBe('99');
    expect(secretsManager.calls(SECRET_ID)).toBe(1);
  });

  it('follows on_error while the secret still holds the refused token, asking Secrets Manager at most once per interval', async () => {
    await rotateRedisTo(OLD_TOKEN, NEW_TOKEN);
    const callsBefore = secretsManager.calls(SECRET_ID);
    const started = performance.now();

    // Requests for 2.5 intervals while every reconnection is refused.
    const answers: [number, number][] = [];
    while (performance.now() - started < 2.5 * INTERVAL_MS) {
      const open = await send(gateway.server.url, { path: '/open' });
      const closed = await send(gateway.server.url, { path: '/closed' });
      answers.push([open.status, closed.status]);
      await sleep(100);
    }
    const elapsed = performance.now() - started;
    const reads = secretsManager.calls(SECRET_ID) - callsBefore;

    expect(new Set(answers.map(([open, closed]) => `${open}/${closed}`))).toEqual(
      new Set(['200/503']),
    );
    const closed = await send(gateway.server.url, { path: '/closed' });
    expect(closed.json()).toEqual({
      error: 'unavailable',
      message: 'The service is temporarily unavailable',
      correlation_id: expect.any(String),
      timestamp: expect.any(String),
    });
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL_MS) + 1);
    expect(logLines('redis refused the auth token, and the secret still holds it')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'ERROR', source: `Secrets Manager secret ${SECRET_ID}` }),
      ]),
    );
  }, 30_000);

  it('recovers without a restart once the secret holds the new token, and limits again', async () => {
    secretsManager.set(SECRET_ID, NEW_TOKEN);

    const response = await untilLimitedAgain('/closed');
    const ready = await send(gateway.server.url, { path: '/health/ready' });

    expect(response.status).toBe(200);
    expect(Number(response.headers['ratelimit-remaining'])).toBeLessThan(100);
    expect(ready.status).toBe(200);
    expect(logLines('redis auth token replaced; reconnecting with it')).toEqual([
      expect.objectContaining({ level: 'INFO', source: `Secrets Manager secret ${SECRET_ID}` }),
    ]);
  }, 30_000);

  it('never writes either token to the logs', () => {
    expect(allOutput.length).toBeGreaterThan(0);
    expect(allOutput).not.toContain(OLD_TOKEN);
    expect(allOutput).not.toContain(NEW_TOKEN);
  });
});
