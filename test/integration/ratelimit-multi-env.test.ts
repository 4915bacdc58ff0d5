import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisProcess } from '../helpers/redis-process';

/**
 * A route with two limits (`rate_limit` as a list) through the composed product: GATEWAY_CONFIG ->
 * wireGatewayFromEnv -> the local server of `npm start`, on a private redis-server (so that its
 * MONITOR sees this test's commands only, and the shared server's settings stay untouched).
 */
const run = randomUUID().slice(0, 8);
const BURST_ROUTE = `burst-quota-${run}`;
const WIDE_ROUTE = `wide-${run}`;
const routeTable = `
routes:
  - id: ${BURST_ROUTE}
    path: /limited
    methods: [GET]
    upstream: "\${UP}"
    auth_required: false
    rate_limit:
      - { capacity: 100, refill_per_second: 0.01, scope: route }
      - { capacity: 20, refill_per_second: 0.01, scope: route }
  - id: ${WIDE_ROUTE}
    path: /wide
    methods: [GET]
    upstream: "\${UP}"
    auth_required: false
    rate_limit:
      - { capacity: 1000, refill_per_second: 100, scope: ip }
      - { capacity: 5000, refill_per_second: 1, scope: ip }
      - { capacity: 1000, refill_per_second: 1, scope: ip, mode: shadow }
`;

const redis = new RedisProcess();
let admin: Redis;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;

const gateway = useGatewayServer(async (own) => {
  await own(redis).start();
  admin = own(new Redis({ port: redis.port }));
  upstream = own(await startRecordingUpstream());
  return {
    routeTable,
    env: {
      UP: upstream.url,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'false',
    },
  };
});

/** Whole tokens a bucket has given out, from its stored full-again time and Redis' clock. */
const tokensTaken = async (key: string, refillPerSecond: number): Promise<number> => {
  const [stored, [seconds, micros]] = await Promise.all([
    admin.get(key),
    admin.time() as Promise<[string | number, string | number]>,
  ]);
  if (stored === null) return 0;
  const now = Number(seconds) * 1_000_000 + Number(micros);
  // The test takes seconds, a token 100: the refill since the burst is far below one token.
  return Math.ceil((Number(stored) - now) / (1_000_000 / refillPerSecond));
};

describe('Integration: several limits on one route (npm start wiring, real Redis)', () => {
  it('is exact under a 200-request concurrent burst, taking nothing from the first bucket for requests the second refused', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => send(gateway.server.url, { path: '/limited' })),
    );

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(180);
    // The burst bucket paid for the 20 that passed, not for the 180 the quota refused.
    expect(await tokensTaken(`rl:route:{${BURST_ROUTE}}`, 0.01)).toBe(20);
    expect(await tokensTaken(`rl:route:{${BURST_ROUTE}}:limit:1`, 0.01)).toBe(20);
    const refused = answers.find((answer) => answer.status === 429);
    // The headers report the limit closest to refusing (the quota); the policy lists both.
    expect(refused?.headers).toMatchObject({
      'ratelimit-limit': '20',
      'ratelimit-remaining': '0',
      'ratelimit-policy': '100;w=10000, 20;w=2000',
    });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(90);
  });

  it('decides a request with three limits of one scope in one Redis round trip (counted by MONITOR)', async () => {
    // The first call loads the script (EVALSHA, then EVAL on NOSCRIPT): not what is counted.
    expect((await send(gateway.server.url, { path: '/wide' })).status).toBe(200);
    const monitor = await admin.monitor();
    const commands: { name: string; source: string }[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      commands.push({ name: String(args[0]).toLowerCase(), source });
    });
    // MONITOR itself answers OK before it streams; a PING marks where the stream surely began.
    await admin.ping('monitor-start');
    while (!commands.some((command) => command.name === 'ping')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    commands.length = 0;

    for (let i = 0; i < 10; i += 1) {
      const answer = await send(gateway.server.url, { path: '/wide' });
      expect(answer.status).toBe(200);
    }
    await admin.ping('monitor-end');
    while (!commands.some((command) => command.name === 'ping')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    monitor.disconnect();

    const fromClients = commands.filter(
      (command) => command.source !== 'lua' && command.name !== 'ping',
    );
    const inScripts = commands.filter((command) => command.source === 'lua');
    expect(fromClients.map((command) => command.name)).toEqual(Array(10).fill('evalsha'));
    // Each call: TIME, then a GET and a SET per bucket, inside the one script run.
    expect(inScripts).toHaveLength(10 * (1 + 3 * 2));
  });
});
