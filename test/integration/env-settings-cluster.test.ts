import { Cluster } from 'ioredis';
import { bucketKey } from '../../functions/gateway/ratelimit/bucket-key';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisCluster } from '../helpers/redis-cluster';

/**
 * `REDIS_CLUSTER=true` (ElastiCache cluster mode) through the composed product: the environment
 * -> `wireGatewayFromEnv` -> the local server, against a real three-shard Redis Cluster.
 */
const ROUTE = 'cluster-limited';
const routeTable = `
routes:
  - { id: ${ROUTE}, path: /limited, methods: [GET], upstream: "\${CLUSTER_TEST_UPSTREAM}", auth_required: false, rate_limit: { capacity: 1, refill_per_second: 0.01, scope: ip } }
`;

const cluster = new RedisCluster();
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
const gateway = useGatewayServer(async (own) => {
  await own(cluster).start();
  upstream = own(await startRecordingUpstream());
  return {
    routeTable,
    env: {
      CLUSTER_TEST_UPSTREAM: upstream.url,
      REDIS_HOST: cluster.seed.host,
      REDIS_PORT: String(cluster.seed.port),
      REDIS_CLUSTER: 'true',
    },
  };
}, 60_000);

describe('Integration: REDIS_CLUSTER through wireGatewayFromEnv and the local server', () => {
  it('keeps the bucket in the cluster and limits from it', async () => {
    const first = await send(gateway.server.url, { path: '/limited' });
    const second = await send(gateway.server.url, { path: '/limited' });
    const ready = await send(gateway.server.url, { path: '/health/ready' });
    const admin = new Cluster([cluster.seed]);
    const stored = await admin.exists(bucketKey('ip', ROUTE, { sourceIp: '127.0.0.1' }));
    await admin.quit();

    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.json()).toMatchObject({ error: 'rate_limited' });
    expect(stored).toBe(1);
    expect(ready.json()).toMatchObject({ checks: { redis: { status: 'up' } } });
  });
});
