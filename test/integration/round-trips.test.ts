import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { Redis } from 'ioredis';
import { type Listening, listen } from '../../dev/listen';
import { createSessionTable, LOCAL_AWS_ENV } from '../../dev/local-dynamodb';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { captureOutput } from '../helpers/capture-output';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { RedisProcess } from '../helpers/redis-process';

/**
 * The per-request budget of round trips, counted where they arrive, through the composed product
 * (environment -> wireGatewayFromEnv -> the local server of `npm start`): Redis commands at a
 * private redis-server (its MONITOR feed, less the commands a script runs inside Redis), DynamoDB requests at
 * dynalite's HTTP server, requests at the upstream. Counts, not times: a request that makes a
 * second Redis or DynamoDB call, or skips the cache, fails here whatever the machine's speed.
 * A Redis command counts as one round trip: the gateway pipelines nothing, so a pipelined pair would
 * show up here as 2 and call for a second look rather than pass unseen.
 */
const TABLE = 'round-trips-sessions';
const SECRET = 'round-trips-secret-0123456789abcdef0123456789';
const ROOMY = '{ capacity: 1000000, refill_per_second: 1000, scope: ip }';
const ROOMY_USER = '{ capacity: 1000000, refill_per_second: 1000, scope: user }';

const routeTable = `
routes:
  - { id: public, path: /public, methods: [GET], upstream: "\${RT_UPSTREAM}/public", auth_required: false }
  - { id: public-limited, path: /public-limited, methods: [GET], upstream: "\${RT_UPSTREAM}/public-limited", auth_required: false, rate_limit: ${ROOMY} }
  - { id: private, path: /private, methods: [GET], upstream: "\${RT_UPSTREAM}/private", permissions: [things:read] }
  - { id: private-limited, path: /private-limited, methods: [GET], upstream: "\${RT_UPSTREAM}/private-limited", permissions: [things:read], rate_limit: ${ROOMY_USER} }
roles: { reader: [things:read] }
sessions: { cookie_name: session_token, cache_ttl_seconds: 300, cache_max_entries: 1000 }
`;

let dynamo: Listening;
let dynamoRequests = 0;
let redis: RedisProcess;
let inspector: Redis;
let monitor: Redis;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let admin: SessionAdmin;

/**
 * Commands clients sent to Redis, from its MONITOR feed: what a script calls inside Redis is
 * reported as coming from `lua` and is no round trip. The feed is in the order Redis ran the
 * commands, so once the inspector's own marker shows up, everything sent before it has too.
 */
const clientCommands: string[] = [];
let markers = 0;
const redisCommands = async (): Promise<number> => {
  markers += 1;
  const marker = `round-trips-marker-${markers}`;
  const seen = new Promise<void>((resolve) => {
    const onCommand = (_time: string, args: string[]): void => {
      if (args[0]?.toLowerCase() === 'echo' && args[1] === marker) {
        monitor.off('monitor', onCommand);
        resolve();
      }
    };
    monitor.on('monitor', onCommand);
  });
  await inspector.echo(marker);
  await seen;
  return clientCommands.filter((command) => command !== 'echo').length;
};

interface Trips {
  readonly redis: number;
  readonly dynamodb: number;
  readonly upstream: number;
}

/** One request, and what it cost in round trips to each dependency. */
const roundTrips = async (path: string, cookie?: string): Promise<Trips & { status: number }> => {
  const redisBefore = await redisCommands();
  const dynamoBefore = dynamoRequests;
  const upstreamBefore = upstream.seen.length;
  const response = await send(gateway.url, {
    path,
    ...(cookie ? { headers: { cookie } } : {}),
  });
  return {
    status: response.status,
    redis: (await redisCommands()) - redisBefore,
    dynamodb: dynamoRequests - dynamoBefore,
    upstream: upstream.seen.length - upstreamBefore,
  };
};

const newSession = async (): Promise<string> => {
  const { token } = await admin.create({
    userId: `round-trips-${Math.random().toString(36).slice(2)}`,
    roles: ['reader'],
    ttlSeconds: 600,
  });
  return `session_token=${token}`;
};

const gateway = useGatewayServer(async (own) => {
  // The SDK reads its credentials when it first signs, after the wiring restored the environment.
  const saved = { ...process.env };
  own({ close: () => (process.env = saved) });
  Object.assign(process.env, LOCAL_AWS_ENV);
  const server = dynalite({ createTableMs: 0 }) as Server;
  server.on('request', () => {
    dynamoRequests += 1;
  });
  dynamo = own(await listen(server, 0, '127.0.0.1'));
  await createSessionTable(dynamo.url, TABLE);
  redis = own(new RedisProcess());
  await redis.start();
  inspector = own(new Redis({ port: redis.port }));
  // monitor() opens a connection of its own: the first one is only its template.
  const template = new Redis({ port: redis.port, lazyConnect: true });
  monitor = own(await template.monitor());
  template.disconnect();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua') clientCommands.push(String(args[0]).toLowerCase());
  });
  upstream = own(await startRecordingUpstream());
  admin = new SessionAdmin(
    own(createDocumentClient({ endpoint: dynamo.url, region: 'local' })),
    TABLE,
    new SessionSigner([SECRET]),
  );
  return {
    routeTable,
    env: {
      ...LOCAL_AWS_ENV,
      RT_UPSTREAM: upstream.url,
      SESSION_SECRET: SECRET,
      SESSION_TABLE: TABLE,
      DYNAMODB_ENDPOINT: dynamo.url,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'false',
    },
  };
});

// The first request of each route loads what a warm function has (the limiter's script, the
// connections); the budget is the warm function's.
beforeAll(async () => {
  const output = captureOutput();
  try {
    const warmUp = await newSession();
    for (const path of ['/public', '/public-limited', '/private', '/private-limited']) {
      await send(gateway.url, { path, headers: { cookie: warmUp } });
    }
  } finally {
    output.restore();
  }
}, 30_000);

const REPEATS = 5;

/** `REPEATS` requests, each expected to cost exactly `expected`. */
const expectEach = async (
  request: () => Promise<Trips & { status: number }>,
  expected: Trips & { status: number },
): Promise<void> => {
  for (let i = 0; i < REPEATS; i += 1) expect(await request()).toEqual(expected);
};

describe('Integration: round trips per request, counted at Redis, DynamoDB and the upstream', () => {
  it('public route: upstream 1, Redis 0, DynamoDB 0', async () => {
    await expectEach(() => roundTrips('/public'), {
      status: 200,
      redis: 0,
      dynamodb: 0,
      upstream: 1,
    });
  });

  it('public rate-limited route: Redis 1, DynamoDB 0, upstream 1', async () => {
    await expectEach(() => roundTrips('/public-limited'), {
      status: 200,
      redis: 1,
      dynamodb: 0,
      upstream: 1,
    });
  });

  it('authenticated route: DynamoDB 1 on a session-cache miss, then 0 on hits; Redis 0; upstream 1', async () => {
    const cookie = await newSession();

    const miss = await roundTrips('/private', cookie);

    expect(miss).toEqual({ status: 200, redis: 0, dynamodb: 1, upstream: 1 });
    await expectEach(() => roundTrips('/private', cookie), {
      status: 200,
      redis: 0,
      dynamodb: 0,
      upstream: 1,
    });
  });

  it('authenticated rate-limited route: Redis 1 and upstream 1; DynamoDB 1 on a miss, 0 on a hit', async () => {
    await expectEach(async () => roundTrips('/private-limited', await newSession()), {
      status: 200,
      redis: 1,
      dynamodb: 1,
      upstream: 1,
    });
    const cookie = await newSession();
    await roundTrips('/private-limited', cookie);
    await expectEach(() => roundTrips('/private-limited', cookie), {
      status: 200,
      redis: 1,
      dynamodb: 0,
      upstream: 1,
    });
  });

  it('refused without a session: no round trip to any dependency', async () => {
    await expectEach(() => roundTrips('/private-limited'), {
      status: 401,
      redis: 0,
      dynamodb: 0,
      upstream: 0,
    });
  });
});
