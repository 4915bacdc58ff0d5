import { useNpmStart } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { RedisProcess, startTlsRedis, type TlsRedis } from '../helpers/redis-process';

/**
 * `REDIS_TLS=true` with `REDIS_HOST`, `REDIS_PORT` and `REDIS_PASSWORD` (ElastiCache with in-transit
 * encryption and an AUTH token, as the stack configures the function) through the composed
 * product: a spawned `npm start`, which trusts the test's CA the standard Node way
 * (`NODE_EXTRA_CA_CERTS`, read only at process start), so certificates are verified.
 */
const PASSWORD = 'env-tls-auth-token-0123456789-abcdef';
const PORT = 26_090;
let tls: TlsRedis;

useNpmStart(async (own) => {
  tls = own(await startTlsRedis(new RedisProcess(), PASSWORD));
  return {
    GATEWAY_PORT: String(PORT),
    DYNAMODB_PORT: String(PORT + 1),
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(tls.tlsPort),
    REDIS_TLS: 'true',
    REDIS_PASSWORD: PASSWORD,
    NODE_EXTRA_CA_CERTS: tls.caFile,
  };
}, 60_000);

describe('Integration: npm start with REDIS_TLS=true and an AUTH token', () => {
  it('reports Redis up through the TLS port with the password (a plain client or no password is refused there)', async () => {
    const ready = await send(`http://127.0.0.1:${PORT}`, { path: '/health/ready' });

    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ checks: { redis: { status: 'up' } } });
  });
});
