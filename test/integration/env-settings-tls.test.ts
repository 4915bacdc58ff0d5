import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { send } from '../helpers/http-request';
import { spawnNpmStart } from '../helpers/npm-start';
import { freePort, RedisProcess } from '../helpers/redis-process';

const run = promisify(execFile);

/**
 * `REDIS_TLS=true` with `REDIS_HOST`, `REDIS_PORT` and `REDIS_PASSWORD` (ElastiCache with in-transit
 * encryption and an AUTH token, as the stack configures the function) through the composed
 * product: a spawned `npm start`, which trusts the test's CA the standard Node way
 * (`NODE_EXTRA_CA_CERTS`, read only at process start), so certificates are verified.
 */
const PASSWORD = 'env-tls-auth-token-0123456789-abcdef';
const PORT = 26_090;
const redis = new RedisProcess();
let dir = '';
let tlsPort = 0;
let gateway: Awaited<ReturnType<typeof spawnNpmStart>> | undefined;

const openssl = async (...args: string[]): Promise<void> => {
  await run('openssl', args, { cwd: dir });
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-env-tls-'));
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  // biome-ignore format: one openssl invocation per line reads best
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=gateway-env-tls-ca');
  // biome-ignore format: as above
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  // biome-ignore format: as above
  await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'server.crt', '-extfile', 'san.cnf');
  tlsPort = await freePort();
  // biome-ignore format: option and value pairs
  await redis.start(undefined, ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no'], PASSWORD);
  gateway = await spawnNpmStart({
    GATEWAY_PORT: String(PORT),
    DYNAMODB_PORT: String(PORT + 1),
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(tlsPort),
    REDIS_TLS: 'true',
    REDIS_PASSWORD: PASSWORD,
    NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'),
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await redis.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Integration: npm start with REDIS_TLS=true and an AUTH token', () => {
  it('reports Redis up through the TLS port with the password (a plain client or no password is refused there)', async () => {
    const ready = await send(`http://127.0.0.1:${PORT}`, { path: '/health/ready' });

    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { redis: { status: 'up' } } });
  });
});
