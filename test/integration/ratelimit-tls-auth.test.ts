import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { recordChildOutput } from '../helpers/log-capture';
import { RedisProcess, startTlsRedis, type TlsRedis } from '../helpers/redis-process';

const run = promisify(execFile);

/**
 * Redis as ElastiCache runs it with in-transit encryption and an AUTH token: TLS and a password.
 * The client runs in its own process configured by the environment alone, as the Lambda is, and
 * trusts the test's CA the standard Node way (NODE_EXTRA_CA_CERTS): certificates are verified.
 */
const PASSWORD = 'auth-token-0123456789-abcdefghij';
let tls: TlsRedis;

/** One take in a fresh Node process; its printed JSON. */
const takeOnce = async (env: Record<string, string>): Promise<Record<string, unknown>> => {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '../helpers/take-once.ts')],
    { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
  );
  recordChildOutput('take-once', { stdout, stderr });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
};

beforeAll(async () => {
  tls = await startTlsRedis(new RedisProcess(), PASSWORD);
}, 30_000);
afterAll(() => tls?.close());

describe('Integration: Redis with TLS and an AUTH token', () => {
  it('takes from the bucket over TLS with the password from REDIS_URL', async () => {
    const result = await takeOnce({
      REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${tls.tlsPort}`,
      NODE_EXTRA_CA_CERTS: tls.caFile,
    });

    expect(result).toEqual({
      decision: { allowed: true, remaining: 9, resetMs: 1000, retryAfterMs: 0 },
    });
  }, 30_000);

  it('does the same with REDIS_HOST, REDIS_TLS and REDIS_PASSWORD', async () => {
    const result = await takeOnce({
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(tls.tlsPort),
      REDIS_TLS: 'true',
      REDIS_PASSWORD: PASSWORD,
      NODE_EXTRA_CA_CERTS: tls.caFile,
    });

    expect(result).toMatchObject({ decision: { allowed: true } });
  }, 30_000);

  it('fails (and says so) with a wrong password', async () => {
    const result = await takeOnce({
      REDIS_URL: `rediss://:wrong-password@127.0.0.1:${tls.tlsPort}`,
      NODE_EXTRA_CA_CERTS: tls.caFile,
    });

    expect(result).toHaveProperty('failure');
    expect(result).not.toHaveProperty('decision');
  }, 30_000);

  it('fails with a server certificate it cannot verify', async () => {
    const result = await takeOnce({ REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${tls.tlsPort}` });

    expect(result).toHaveProperty('failure');
    expect(result).not.toHaveProperty('decision');
  }, 30_000);
});
