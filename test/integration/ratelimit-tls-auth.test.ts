import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { recordChildOutput } from '../helpers/log-capture';
import { freePort, RedisProcess } from '../helpers/redis-process';

const run = promisify(execFile);

/**
 * Redis as ElastiCache runs it with in-transit encryption and an AUTH token: TLS and a password.
 * The client runs in its own process configured by the environment alone, as the Lambda is, and
 * trusts the test's CA the standard Node way (NODE_EXTRA_CA_CERTS): certificates are verified.
 */
const PASSWORD = 'auth-token-0123456789-abcdefghij';
const redis = new RedisProcess();
let dir = '';
let tlsPort = 0;

const openssl = async (...args: string[]): Promise<void> => {
  await run('openssl', args, { cwd: dir });
};

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
  dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  // biome-ignore format: one openssl invocation per line reads best
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=gateway-test-ca');
  // biome-ignore format: as above
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  // biome-ignore format: as above
  await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'server.crt', '-extfile', 'san.cnf');
  tlsPort = await freePort();
  // The plain port stays open for the readiness probe; it requires the password too.
  // biome-ignore format: option and value pairs
  await redis.start(undefined, ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no'], PASSWORD);
}, 30_000);

afterAll(async () => {
  await redis.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Integration: Redis with TLS and an AUTH token', () => {
  it('takes from the bucket over TLS with the password from REDIS_URL', async () => {
    const result = await takeOnce({
      REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'),
    });

    expect(result).toEqual({
      decision: { allowed: true, remaining: 9, resetMs: 1000, retryAfterMs: 0 },
    });
  }, 30_000);

  it('does the same with REDIS_HOST, REDIS_TLS and REDIS_PASSWORD', async () => {
    const result = await takeOnce({
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(tlsPort),
      REDIS_TLS: 'true',
      REDIS_PASSWORD: PASSWORD,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'),
    });

    expect(result).toMatchObject({ decision: { allowed: true } });
  }, 30_000);

  it('fails (and says so) with a wrong password', async () => {
    const result = await takeOnce({
      REDIS_URL: `rediss://:wrong-password@127.0.0.1:${tlsPort}`,
      NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'),
    });

    expect(result).toHaveProperty('failure');
    expect(result).not.toHaveProperty('decision');
  }, 30_000);

  it('fails with a server certificate it cannot verify', async () => {
    const result = await takeOnce({ REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}` });

    expect(result).toHaveProperty('failure');
    expect(result).not.toHaveProperty('decision');
  }, 30_000);
});
