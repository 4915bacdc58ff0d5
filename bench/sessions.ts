/**
 * `npm run bench:sessions`: what session validation costs, measured against the same chain on a
 * public route in the same run. Requests go one at a time, as Lambda serves them, through the real
 * middy chain, a real DynamoDB-compatible server (dynalite) and an upstream port that answers at once
 * (so the numbers are the gateway's own). Reports DynamoDB calls per request (counted at the SDK)
 * and latency for: public route, cache hit, cache disabled (one GetItem per request).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lambdaContext } from '../dev/lambda-context';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from '../dev/local-dynamodb';
import { createGateway } from '../functions/gateway/create-gateway';
import type { FunctionUrlEvent } from '../functions/gateway/http/types';
import { parseConfig } from '../functions/gateway/loader/load-config';
import { CachedSessionStore } from '../functions/gateway/sessions/cached-session-store';
import {
  createDocumentClient,
  DynamoDbSessionStore,
} from '../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { helpIfAsked } from '../scripts/cli-help';
import { SessionAdmin } from '../scripts/session-admin';
import { ms, ratio, summarize, verdict } from './stats';

helpIfAsked(
  process.argv.slice(2),
  `usage: npm run bench:sessions

Measures session validation against a public route on the same chain (sequential requests,
dynalite in this process): a cache hit and the cache off. Prints a verdict per target: no
DynamoDB call per request on a cache hit, at most one with the cache off. Creates no Redis keys.
Environment: BENCH_REQUESTS (default 3000); BENCH_LOGS=on logs and writes EMF as production does
(the gateway's lines go to stdout, the report to stderr; npm run bench:sessions discards the lines).`,
);

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = 300;
const SESSIONS = 50;
const SECRET = 'bench-secret-bench-secret-bench-secret-0000';

/** As production: one access line and one EMF document per request, on stdout. */
const LOGS = process.env.BENCH_LOGS === 'on';
const LOG_LEVEL = LOGS ? 'INFO' : 'SILENT';
// The report goes where the gateway's lines do not.
const report = LOGS ? console.error : console.log;

Object.assign(process.env, LOCAL_AWS_ENV, {
  POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
  POWERTOOLS_METRICS_DISABLED: LOGS ? 'false' : 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const event = (path: string, cookie?: string): FunctionUrlEvent => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  ...(cookie ? { cookies: [cookie] } : {}),
  headers: { host: 'bench.local', 'x-forwarded-proto': 'https' },
  requestContext: {
    accountId: 'anonymous',
    apiId: 'bench',
    domainName: 'bench.local',
    domainPrefix: 'bench',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    requestId: 'r',
    routeKey: '$default',
    stage: '$default',
    time: '',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
});

const main = async (): Promise<void> => {
  const dynamo = await startLocalDynamoDb();
  await createSessionTable(dynamo.endpoint, 'bench-sessions');
  const client = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  let dynamoCalls = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      dynamoCalls += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const signer = new SessionSigner([SECRET]);
  const admin = new SessionAdmin(client, 'bench-sessions', signer);
  const cookies: string[] = [];
  for (let i = 0; i < SESSIONS; i += 1) {
    const { token } = await admin.create({
      userId: `user-${i}`,
      roles: ['reader'],
      ttlSeconds: 3600,
    });
    cookies.push(`session_token=${token}`);
  }

  const config = parseConfig(
    `routes:
  - { path: /public, methods: [GET], upstream: "http://upstream", auth_required: false }
  - { path: /private, methods: [GET], upstream: "http://upstream", permissions: [users:read] }
roles: { reader: [users:read] }
`,
    'bench',
    {},
  );
  const dynamoStore = new DynamoDbSessionStore(client, 'bench-sessions');
  const build = (ttlMs: number) =>
    createGateway({
      config,
      upstream: {
        forward: async () => ({
          status: 200,
          headers: { 'content-type': 'application/json' },
          setCookies: [],
          body: Buffer.from('{"ok":true}'),
        }),
      },
      logger: new Logger({ logLevel: LOG_LEVEL }),
      metrics: new Metrics({ namespace: 'Bench' }),
      sessions: {
        signer,
        store: new CachedSessionStore(dynamoStore, { ttlMs, maxEntries: 10_000 }),
      },
    });

  const measure = async (handler: ReturnType<typeof build>, path: string, withCookie: boolean) => {
    const samples: number[] = [];
    dynamoCalls = 0;
    for (let i = 0; i < WARMUP + REQUESTS; i += 1) {
      if (i === WARMUP) dynamoCalls = 0;
      const started = performance.now();
      const result = await handler(
        event(path, withCookie ? cookies[i % SESSIONS] : undefined),
        lambdaContext(),
        {
          signal: new AbortController().signal,
        },
      );
      const elapsed = performance.now() - started;
      if (result?.statusCode !== 200) throw new Error(`unexpected status ${result?.statusCode}`);
      if (i >= WARMUP) samples.push(elapsed);
    }
    return { ...summarize(samples), callsPerRequest: dynamoCalls / REQUESTS };
  };

  const cached = build(60_000);
  const uncached = build(0);
  const publicRoute = await measure(cached, '/public', false);
  const cacheHit = await measure(cached, '/private', true);
  const cacheOff = await measure(uncached, '/private', true);

  const row = (name: string, r: typeof publicRoute) =>
    `${name.padEnd(28)} p50 ${ms(r.p50).padStart(10)}  p99 ${ms(r.p99).padStart(10)}  DynamoDB calls/request ${r.callsPerRequest.toFixed(3)}`;
  report(
    `sessions benchmark (${LOGS ? 'logs and EMF on' : 'logs and metrics off'}): ${REQUESTS} sequential requests each, ${SESSIONS} distinct sessions, Node ${process.version}`,
  );
  report(row('public route (peer)', publicRoute));
  report(row('auth route, cache hit', cacheHit));
  report(row('auth route, cache off', cacheOff));
  report(
    `cache hit added p50: ${ms(cacheHit.p50 - publicRoute.p50)}  ratio p50 ${ratio(cacheHit.p50 / publicRoute.p50)}  p99 ${ratio(cacheHit.p99 / publicRoute.p99)}`,
  );
  report(
    `cache off added p50: ${ms(cacheOff.p50 - publicRoute.p50)}  ratio p50 ${ratio(cacheOff.p50 / publicRoute.p50)}`,
  );

  // The per-request budget: no DynamoDB call on a cache hit, at most one on a miss.
  report(
    verdict('DynamoDB calls per request, cache hit', cacheHit.callsPerRequest, {
      op: '=',
      limit: 0,
      unit: '',
    }),
  );
  report(
    verdict('DynamoDB calls per request, cache off', cacheOff.callsPerRequest, {
      op: '<=',
      limit: 1,
      unit: '',
    }),
  );

  client.destroy();
  await dynamo.close();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
