/**
 * `npm run bench:tracing`: what `tracing=active` costs per request. The gateway bundle (built by
 * esbuild as the stack builds it) runs as a warm Lambda container in its own process, logs and EMF
 * on, once with `GATEWAY_TRACING` off and once active with a sampled trace and an X-Ray daemon
 * (a UDP socket in this process that counts the documents). The request is the costliest kind:
 * an authenticated, rate-limited route (session cache hit after the first, Redis limiter, demo
 * upstream), so the trace holds the handler, DynamoDB (first request), Redis and upstream calls.
 * Rounds alternate off / active; the report is the median of the rounds' medians.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startDemoUpstream } from '../dev/demo-upstream';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from '../dev/local-dynamodb';
import { createDocumentClient } from '../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../scripts/session-admin';
import { functionUrlEvent } from '../test/helpers/function-url-event';
import { RedisProcess } from '../test/helpers/redis-process';
import { ms, ratio, summarize } from './stats';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.bench-build', 'tracing');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = 300;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECRET = 'bench-tracing-secret-0123456789abcdef0123';
const TABLE = 'bench-tracing-sessions';
/** The documented bound: tracing may add at most this to an authenticated, limited request. */
const TARGET_ADDED_MS = 1;

const usage = `Usage: npm run bench:tracing
Measures the per-request cost of GATEWAY_TRACING=active on the built bundle.
Environment: BENCH_REQUESTS (default 2000), BENCH_ROUNDS (default 3).`;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const main = async (): Promise<void> => {
  if (process.argv.includes('--help')) {
    console.log(usage);
    return;
  }
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(join(OUT, 'config'), { recursive: true });
  // The stack's bundling options (lib/constructs/gateway-function.ts), the AWS SDK bundled in as
  // this machine has no runtime copy to leave it to.
  await build({
    entryPoints: [join(ROOT, 'functions', 'gateway', 'handler.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    loader: { '.lua': 'text' },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    outfile: join(OUT, 'index.mjs'),
    logLevel: 'warning',
  });
  // The shipped `users` route with a limit this run never reaches: every request still takes
  // one Redis round trip, and none is refused.
  writeFileSync(
    join(OUT, 'config', 'gateway.yml'),
    `routes:
  - id: users
    path: /api/users/{id}
    methods: [GET]
    upstream: \${DEMO_UPSTREAM_URL}
    strip_prefix: /api
    auth_required: true
    permissions: [users:read]
    rate_limit: { capacity: 1000000, refill_per_second: 1000000, scope: user }
roles:
  reader: [users:read]
`,
  );

  Object.assign(process.env, LOCAL_AWS_ENV, {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const dynamo = await startLocalDynamoDb();
  await createSessionTable(dynamo.endpoint, TABLE);
  const admin = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  const { token } = await new SessionAdmin(admin, TABLE, new SessionSigner([SECRET])).create({
    userId: 'bench-user',
    roles: ['reader'],
    ttlSeconds: 3600,
  });
  admin.destroy();
  // A private Redis: the buckets this run fills are gone with it.
  const redis = new RedisProcess();
  await redis.start();
  const demo = await startDemoUpstream();
  const daemon = createSocket('udp4');
  let documents = 0;
  daemon.on('message', () => {
    documents += 1;
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));

  const eventFile = join(OUT, 'event.json');
  writeFileSync(
    eventFile,
    JSON.stringify(functionUrlEvent({ path: '/api/users/7', cookies: [`session_token=${token}`] })),
  );
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...LOCAL_AWS_ENV,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: 'gateway',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: OUT,
    _HANDLER: 'index.handler',
    GATEWAY_CONFIG: join(OUT, 'config', 'gateway.yml'),
    POWERTOOLS_SERVICE_NAME: 'gateway',
    POWERTOOLS_METRICS_NAMESPACE: 'Gateway',
    SESSION_SECRET: SECRET,
    SESSION_TABLE: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redis.port),
    DEMO_UPSTREAM_URL: demo.url,
  };
  const tracedEnv = {
    GATEWAY_TRACING: 'active',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
    _X_AMZN_TRACE_ID: 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
    // The SDK's own info line per Lambda init, kept out of the measured output.
    AWS_XRAY_DEBUG_MODE: '',
  };
  const container = async (env: Record<string, string>): Promise<number[]> => {
    const { stderr } = await run(
      process.execPath,
      [
        join(__dirname, 'tracing-runner.mjs'),
        join(OUT, 'index.mjs'),
        eventFile,
        String(WARMUP),
        String(REQUESTS),
      ],
      { env: { ...baseEnv, ...env }, maxBuffer: 512 * 1024 * 1024, cwd: OUT },
    );
    const line = stderr.split('\n').find((text) => text.startsWith('TIMES '));
    if (!line) throw new Error(`the runner printed no times:\n${stderr}`);
    return JSON.parse(line.slice('TIMES '.length)) as number[];
  };

  const off: number[] = [];
  const active: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    off.push(summarize(await container({ GATEWAY_TRACING: 'off' })).p50);
    const before = documents;
    active.push(summarize(await container(tracedEnv)).p50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (documents - before < REQUESTS) {
      throw new Error(`tracing sent ${documents - before} documents for ${REQUESTS} requests`);
    }
  }
  const offMs = median(off);
  const activeMs = median(active);
  const added = activeMs - offMs;
  console.log(`Tracing cost per request, authenticated + rate-limited route, logs and EMF on`);
  console.log(`  ${ROUNDS} rounds x ${REQUESTS} requests per container, medians of round p50s`);
  console.log(`  GATEWAY_TRACING=off     p50 ${ms(offMs)}  (rounds: ${off.map(ms).join(', ')})`);
  console.log(
    `  GATEWAY_TRACING=active  p50 ${ms(activeMs)}  (rounds: ${active.map(ms).join(', ')})`,
  );
  console.log(`  added by tracing: ${ms(added)} (${ratio(activeMs / offMs)} of off)`);
  console.log(
    `tracing added p50: ${ms(added)} (target < ${TARGET_ADDED_MS} ms): ${added < TARGET_ADDED_MS ? 'met' : 'not met'}`,
  );

  daemon.close();
  await demo.close();
  await redis.stop();
  await dynamo.close();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
