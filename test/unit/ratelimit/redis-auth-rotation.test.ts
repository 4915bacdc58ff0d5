import { Logger } from '@aws-lambda-powertools/logger';
import { Cluster, Redis } from 'ioredis';
import { followAuthTokenRotation } from '../../../functions/gateway/ratelimit/redis-auth-rotation';
import {
  isRedisAuthError,
  redisPassword,
  setRedisPassword,
} from '../../../functions/gateway/ratelimit/redis-client';
import type { SecretSource } from '../../../functions/gateway/secrets/secret-source';
import { captureOutput } from '../../helpers/capture-output';

const OLD = 'unit-old-token-0123456789';
const NEW = 'unit-new-token-9876543210';
const wrongpass = new Error('WRONGPASS invalid username-password pair or user is disabled.');

/** A source whose value the test sets, counting reads. */
const fakeSource = (initial: string) => {
  let value = initial;
  let reads = 0;
  const source: SecretSource = {
    description: 'Secrets Manager secret arn:redis',
    read: async () => {
      reads += 1;
      return value;
    },
  };
  return { source, set: (next: string) => (value = next), reads: () => reads };
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

let client: Redis;
let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
  client = new Redis({ lazyConnect: true, password: OLD });
});
afterEach(() => {
  client.disconnect();
  output.restore();
});

describe('Redis: followAuthTokenRotation', () => {
  it('gives the client the token the secret now holds, for its next connection', async () => {
    const secret = fakeSource(NEW);
    const onError = followAuthTokenRotation(client, secret.source, {
      minIntervalMs: 10_000,
      logger: new Logger(),
    });

    onError(wrongpass);
    await settle();

    expect(redisPassword(client)).toBe(NEW);
    expect(secret.reads()).toBe(1);
  });

  it('reads again only on authentication errors, and at most once per interval', async () => {
    const secret = fakeSource(OLD);
    let clock = 0;
    const onError = followAuthTokenRotation(client, secret.source, {
      minIntervalMs: 10_000,
      logger: new Logger(),
      now: () => clock,
    });

    onError(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    for (let i = 0; i < 20; i += 1) {
      onError(wrongpass);
      await settle();
      clock += 100;
    }
    clock = 10_000;
    onError(new Error('NOAUTH Authentication required.'));
    await settle();

    expect(secret.reads()).toBe(2);
    expect(redisPassword(client)).toBe(OLD);
  });

  it('logs what it does without the token', async () => {
    const secret = fakeSource(OLD);
    let clock = 0;
    const onError = followAuthTokenRotation(client, secret.source, {
      minIntervalMs: 1000,
      logger: new Logger(),
      now: () => clock,
    });

    onError(wrongpass);
    await settle();
    secret.set(NEW);
    clock = 1000;
    onError(wrongpass);
    await settle();

    expect(output.json().map((line) => [line.level, line.message])).toEqual([
      ['WARN', 'redis refused the auth token: reading it again'],
      ['ERROR', 'redis refused the auth token, and the secret still holds it'],
      ['WARN', 'redis refused the auth token: reading it again'],
      ['INFO', 'redis auth token replaced; reconnecting with it'],
    ]);
    expect(output.text()).not.toContain(OLD);
    expect(output.text()).not.toContain(NEW);
  });

  it('logs a failed read (naming the secret) and keeps the old token', async () => {
    const onError = followAuthTokenRotation(
      client,
      {
        description: 'Secrets Manager secret arn:redis',
        read: () => Promise.reject(new Error('Secrets Manager: cannot read secret arn:redis')),
      },
      { minIntervalMs: 1000, logger: new Logger() },
    );

    onError(wrongpass);
    await settle();

    expect(output.json().at(-1)).toMatchObject({
      level: 'ERROR',
      message: 'redis auth token could not be read again',
      source: 'Secrets Manager secret arn:redis',
      error: 'Secrets Manager: cannot read secret arn:redis',
    });
    expect(redisPassword(client)).toBe(OLD);
  });
});

describe('Redis: isRedisAuthError', () => {
  it.each([
    ['WRONGPASS invalid username-password pair or user is disabled.', true],
    ['NOAUTH Authentication required.', true],
    ['ERR invalid password', true],
    ['connect ECONNREFUSED 127.0.0.1:6379', false],
    ["Stream isn't writeable and enableOfflineQueue options is false", false],
  ])('%s -> %s', (message, expected) => {
    expect(isRedisAuthError(new Error(message))).toBe(expected);
  });
});

describe('Redis: setRedisPassword on a Cluster', () => {
  it('sets the token in the options the cluster gives every node it connects to', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 6379 }], {
      lazyConnect: true,
      redisOptions: { password: OLD },
    });

    setRedisPassword(cluster, NEW);

    expect(redisPassword(cluster)).toBe(NEW);
    expect(cluster.options.redisOptions?.password).toBe(NEW);
    cluster.disconnect();
  });
});
