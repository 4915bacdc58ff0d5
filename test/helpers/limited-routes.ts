import { randomUUID } from 'node:crypto';
import { type Own, useGatewayServer } from './gateway-server';
import { startRecordingUpstream } from './loopback-upstream';

/**
 * Two public routes on a 100-token bucket per address, `/open` failing open and `/closed` failing
 * closed, with ids unique to the run (buckets are keyed by route, and the suites share Redis).
 */
export const failOpenAndClosedRoutes = (prefix: string, closedRefillPerSecond = 10) => {
  const suffix = randomUUID().slice(0, 8);
  const open = `${prefix}open-${suffix}`;
  const closed = `${prefix}closed-${suffix}`;
  const routeTable = `
routes:
  - { id: ${open}, path: /open, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 10, scope: ip, on_error: fail_open } }
  - { id: ${closed}, path: /closed, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 100, refill_per_second: ${closedRefillPerSecond}, scope: ip, on_error: fail_closed } }
`;
  return { open, closed, routeTable };
};

/** One public route at `/api` allowing one request per address, with an id unique to the run. */
export const oneRequestRoute = (prefix: string) => {
  const route = `${prefix}-${randomUUID().slice(0, 8)}`;
  const routeTable = `
routes:
  - { id: ${route}, path: /api, methods: [GET], upstream: "\${UP}", auth_required: false, rate_limit: { capacity: 1, refill_per_second: 0.001, scope: ip } }
`;
  return { route, routeTable };
};

/**
 * The gateway as `npm start` runs it on `routeTable`, a recording upstream as `UP`, and the Redis
 * `redisUrl` starts (a private server, a fault proxy) with the limiter's reply timeout.
 */
export const useLimitedGateway = (options: {
  readonly routeTable: string;
  readonly redisUrl?: (own: Own) => Promise<string>;
  readonly commandTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}) => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>> | undefined;
  const gateway = useGatewayServer(async (own) => {
    const redisUrl = options.redisUrl ? await options.redisUrl(own) : undefined;
    upstream = own(await startRecordingUpstream());
    return {
      routeTable: options.routeTable,
      env: {
        UP: upstream.url,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        ...(options.commandTimeoutMs
          ? { REDIS_COMMAND_TIMEOUT_MS: String(options.commandTimeoutMs) }
          : {}),
        ...options.env,
      },
    };
  });
  return {
    gateway,
    upstream: () => {
      if (!upstream) throw new Error('the upstream is not started (read it inside a test)');
      return upstream;
    },
  };
};
