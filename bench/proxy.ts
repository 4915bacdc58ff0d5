/**
 * `npm run bench:proxy`: what the gateway adds on the way to an upstream, as production runs it,
 * against a plain reverse proxy and a direct call measured in the same run; and the gateway's
 * memory after many requests (`npm run bench:memory` runs only that part).
 *
 * Processes, each its own: the 1 KB JSON upstream; the peer, a plain `undici.request` reverse
 * proxy forwarding the same headers; the gateway as `npm start` runs it (`dev/start.ts`:
 * wireGatewayFromEnv behind the local server, bundled by esbuild as the Lambda is, JSON logs and
 * EMF on, sessions in dynalite, the Redis limiter on REDIS_URL); the load driver (undici Pool). This
 * process only orchestrates (and hosts dynalite, which a session-cache hit does not call).
 *
 * Configurations: direct to the upstream, the plain proxy, the gateway on a public route, on an
 * authenticated route (+ session, a cache hit) and on an authenticated, rate-limited one (+ rate
 * limit, Redis). Each round drives every configuration in turn, rotated round by round, so the
 * machine's noise falls on all alike; ratios are medians over rounds of the round's ratio.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from '../dev/local-dynamodb';
import { createDocumentClient } from '../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { helpIfAsked } from '../scripts/cli-help';
import { SessionAdmin } from '../scripts/session-admin';
import { freePort } from '../test/helpers/redis-process';
import type { MemoryRequest, MemorySample } from '../test/soak/soak-messages';
import { median, ms, ratio, verdict } from './stats';
import { BUNDLE_DIR, bundleEntries } from './suite/bundle';
import type { DriveRequest, DriveResult, ListeningMessage } from './suite/messages';
import { processCpuMicros } from './suite/process-cpu';
import type { ProxyResults } from './suite/results';

const argv = process.argv.slice(2);
helpIfAsked(
  argv,
  `usage: npm run bench:proxy [-- --memory-only]
       npm run bench:memory (the same with --memory-only)

The gateway as npm start runs it (bundled, logs and EMF on, sessions in dynalite, the Redis limiter)
against a plain undici.request reverse proxy and a direct call, 1 KB JSON, 1 and 10 in flight, each
in its own process with the load from a third. Configurations: direct, plain proxy, public route,
+ session (cache hit), + rate limit (Redis). Prints medians over rounds and a verdict per target:
public route >= 0.7x the plain proxy's throughput, authenticated + rate-limited >= 0.6x, added p50
over direct < 0.3 ms (public) and < 0.45 ms (authenticated + rate-limited) at 1 in flight; RSS and
heap after BENCH_MEMORY_REQUESTS requests within 10% of their values after the first 1,000; one
access-log line and one EMF document per request. --memory-only skips the proxy rounds.
Redis keys: under the run's own user (rl:user:{bench-<run id>}...), removed at the end.
Environment: BENCH_ROUNDS (default 5), BENCH_REQUESTS (per configuration and round, default 2000),
BENCH_MEMORY_REQUESTS (default 100000, 0 skips), REDIS_URL (default redis://127.0.0.1:6379),
BENCH_RESULTS (a file to write the results to as JSON, for npm run bench), BENCH_CPU_PROF_DIR (a
directory for a --cpu-prof profile of the gateway process).`,
);

const MEMORY_ONLY = argv.includes('--memory-only');
const ROUNDS = MEMORY_ONLY ? 0 : Number(process.env.BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const MEMORY_FIRST = 1000;
const WARM_UP = Math.min(500, REQUESTS);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN_ID = randomUUID().slice(0, 8);
const USER_ID = `bench-${RUN_ID}`;
const LOG_FILE = join(BUNDLE_DIR, `gateway-${RUN_ID}.log`);
const CONFIG_FILE = join(BUNDLE_DIR, `gateway-${RUN_ID}.yml`);
const IN_FLIGHT = [1, 10] as const;

type ConfigName = 'direct' | 'plain proxy' | 'public route' | '+ session' | '+ rate limit';

interface Configuration {
  readonly name: ConfigName;
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly gateway: boolean;
}

const routeTable = (upstream: string): string => `# The proxy benchmark's routes (bench/proxy.ts).
routes:
  - { id: bench-public, path: "/public/*", methods: [GET], upstream: "${upstream}/public", strip_prefix: /public, auth_required: false }
  - { id: bench-session, path: "/session/*", methods: [GET], upstream: "${upstream}/session", strip_prefix: /session, permissions: [bench:read] }
  - { id: bench-limited, path: "/limited/*", methods: [GET], upstream: "${upstream}/limited", strip_prefix: /limited, permissions: [bench:read], rate_limit: { capacity: 1000000000, refill_per_second: 1000000, scope: user } }
roles: { reader: [bench:read] }
sessions: { cookie_name: session_token, cache_ttl_seconds: 300, cache_max_entries: 10000 }
`;

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, 'exit');

/** A bundled child process that says where it listens. */
const startServer = async (
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> => {
  const child = fork(join(BUNDLE_DIR, `${name}.mjs`), [], { env, stdio: 'inherit' });
  const [message] = (await Promise.race([
    once(child, 'message'),
    exited(child).then(() => {
      throw new Error(`${name} exited before listening`);
    }),
  ])) as [ListeningMessage];
  return { child, url: message.url };
};

/** The load driver: one drive at a time, answered over IPC. */
class Driver {
  readonly #child = fork(join(BUNDLE_DIR, 'load-driver.mjs'), [], { stdio: 'inherit' });
  readonly #pending = new Map<
    number,
    { resolve: (r: DriveResult) => void; reject: (e: Error) => void }
  >();
  #next = 0;

  constructor() {
    this.#child.on('message', (message: DriveResult) => {
      if (message.kind !== 'driven') return;
      this.#pending.get(message.id)?.resolve(message);
      this.#pending.delete(message.id);
    });
    this.#child.once('exit', () => {
      for (const { reject } of this.#pending.values()) reject(new Error('the load driver exited'));
    });
  }

  async drive(target: Configuration, inFlight: number, requests: number): Promise<DriveResult> {
    this.#next += 1;
    const order: DriveRequest = {
      kind: 'drive',
      id: this.#next,
      origin: target.origin,
      path: target.path,
      headers: target.headers,
      inFlight,
      requests,
    };
    const answer = new Promise<DriveResult>((resolve, reject) => {
      this.#pending.set(order.id, { resolve, reject });
    });
    this.#child.send(order);
    const result = await answer;
    if (result.unexpected > 0) {
      throw new Error(
        `${target.name}: ${result.unexpected} of ${result.requests} answers were not 200, e.g. ${result.sample}`,
      );
    }
    return result;
  }

  stop(): void {
    this.#child.disconnect();
  }
}

/** The gateway's memory, after a full collection (the soak's probe, preloaded into it). */
const memoryOf = async (gateway: ChildProcess): Promise<MemorySample> => {
  const answer = new Promise<MemorySample>((resolve) => {
    const onMessage = (message: MemorySample): void => {
      if (message.kind !== 'memory') return;
      gateway.off('message', onMessage);
      resolve(message);
    };
    gateway.on('message', onMessage);
  });
  const request: MemoryRequest = { kind: 'memory', gc: true };
  gateway.send(request);
  return answer;
};

/** Counts lines holding each marker in the gateway's output, without holding it in memory. */
const countLines = async (
  file: string,
  markers: Readonly<Record<string, string>>,
): Promise<Record<string, number>> => {
  const counts = Object.fromEntries(Object.keys(markers).map((name) => [name, 0]));
  const patterns = Object.entries(markers).map(
    ([name, text]) => [name, Buffer.from(text)] as const,
  );
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(file)) {
    const text = Buffer.concat([tail, chunk as Buffer]);
    const end = text.lastIndexOf(10) + 1;
    const whole = text.subarray(0, end);
    for (const [name, pattern] of patterns) {
      for (let at = whole.indexOf(pattern); at !== -1; at = whole.indexOf(pattern, at + 1)) {
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    tail = text.subarray(end);
  }
  return counts;
};

const removeRunKeys = async (): Promise<number> => {
  const client = new Redis(REDIS_URL);
  let removed = 0;
  let cursor = '0';
  try {
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `rl:*${USER_ID}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return removed;
};

const main = async (): Promise<void> => {
  await bundleEntries({
    gateway: 'dev/start.ts',
    'memory-probe': 'test/soak/memory-probe.ts',
    upstream: 'bench/suite/upstream-process.ts',
    'plain-proxy': 'bench/suite/plain-proxy-process.ts',
    'load-driver': 'bench/suite/load-driver-process.ts',
  });

  // Sessions: dynalite here, one session in it, its signed cookie for the driver.
  Object.assign(process.env, LOCAL_AWS_ENV);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dynamo = await startLocalDynamoDb();
  const table = `bench-sessions-${RUN_ID}`;
  await createSessionTable(dynamo.endpoint, table);
  const secret = randomBytes(32).toString('base64url');
  const documents = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  const admin = new SessionAdmin(documents, table, new SessionSigner([secret]));
  const { token } = await admin.create({ userId: USER_ID, roles: ['reader'], ttlSeconds: 3600 });
  documents.destroy();
  const cookie = `session_token=${token}`;

  const children: ChildProcess[] = [];
  const logFd = openSync(LOG_FILE, 'w');
  let driver: Driver | undefined;
  try {
    const upstream = await startServer('upstream', { PATH: process.env.PATH });
    children.push(upstream.child);
    const peer = await startServer('plain-proxy', {
      PATH: process.env.PATH,
      UPSTREAM_URL: upstream.url,
    });
    children.push(peer.child);

    writeFileSync(CONFIG_FILE, routeTable(upstream.url));
    const port = await freePort();
    const gateway = fork(join(BUNDLE_DIR, 'gateway.mjs'), [], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...LOCAL_AWS_ENV,
        GATEWAY_PORT: String(port),
        GATEWAY_CONFIG: CONFIG_FILE,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        SESSION_TABLE: table,
        SESSION_SECRET: secret,
        REDIS_URL,
        OIDC_PORT: '0',
        // As on Lambda: JSON logs and EMF (npm start would default to readable lines, no EMF).
        POWERTOOLS_DEV: 'false',
        POWERTOOLS_METRICS_DISABLED: 'false',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      execArgv: [
        '--expose-gc',
        '--import',
        `./${BUNDLE_DIR}/memory-probe.mjs`,
        // A CPU profile of the gateway for the whole run, written where it exits.
        ...(process.env.BENCH_CPU_PROF_DIR
          ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR]
          : []),
      ],
      // Into a file, as Lambda's runtime takes them off the process: neither this process nor the
      // driver spends CPU reading them during the run.
      stdio: ['ignore', logFd, logFd, 'ipc'],
    });
    children.push(gateway);
    const gatewayUrl = `http://127.0.0.1:${port}`;
    // Probes the gateway answered are requests it served (and logged); refused connections are not.
    let probes = 0;
    for (let attempt = 0; ; attempt += 1) {
      if (gateway.exitCode !== null) {
        throw new Error(`the gateway exited: ${readFileSync(LOG_FILE, 'utf8').slice(-2000)}`);
      }
      const ready = await fetch(`${gatewayUrl}/health/ready`).catch(() => undefined);
      if (ready) probes += 1;
      await ready?.arrayBuffer();
      if (ready?.status === 200) break;
      if (attempt > 300) throw new Error(`the gateway is not ready: ${ready?.status}`);
      await sleep(100);
    }

    const configurations: Configuration[] = [
      { name: 'direct', origin: upstream.url, path: '/public/items', headers: {}, gateway: false },
      { name: 'plain proxy', origin: peer.url, path: '/public/items', headers: {}, gateway: false },
      {
        name: 'public route',
        origin: gatewayUrl,
        path: '/public/items',
        headers: {},
        gateway: true,
      },
      {
        name: '+ session',
        origin: gatewayUrl,
        path: '/session/items',
        headers: { cookie },
        gateway: true,
      },
      {
        name: '+ rate limit',
        origin: gatewayUrl,
        path: '/limited/items',
        headers: { cookie },
        gateway: true,
      },
    ];
    const gatewayConfigs = configurations.filter((c) => c.gateway);
    driver = new Driver();
    let gatewayRequests = 0;
    // The process serving each configuration, whose CPU time a round reads around itself.
    const serverPid = (target: Configuration): number | undefined =>
      target.gateway ? gateway.pid : target.name === 'plain proxy' ? peer.child.pid : undefined;
    const drive = async (target: Configuration, inFlight: number, requests: number) => {
      const cpuBefore = processCpuMicros(serverPid(target));
      const result = await (driver as Driver).drive(target, inFlight, requests);
      const cpuAfter = processCpuMicros(serverPid(target));
      if (target.gateway) gatewayRequests += result.requests;
      const cpuPerRequest =
        cpuBefore === undefined || cpuAfter === undefined
          ? undefined
          : (cpuAfter - cpuBefore) / result.requests;
      return { ...result, cpuPerRequest };
    };
    type Round = Awaited<ReturnType<typeof drive>>;

    console.log(
      `proxy benchmark: ${ROUNDS} rounds x ${REQUESTS} requests per configuration, 1 KB JSON on loopback, Node ${process.version}; gateway ${gatewayUrl} (esbuild bundle of dev/start.ts, pid ${gateway.pid}), plain proxy ${peer.url}, upstream ${upstream.url}`,
    );

    // Memory after the first requests, spread over the gateway's three routes.
    let memoryFirst: MemorySample | undefined;
    let firstCount = 0;
    if (MEMORY_REQUESTS > 0) {
      for (const target of gatewayConfigs) {
        await drive(target, 10, Math.ceil(MEMORY_FIRST / gatewayConfigs.length));
      }
      memoryFirst = await memoryOf(gateway);
      firstCount = gatewayRequests;
    }

    const results: ProxyResults = { rounds: ROUNDS, requests: REQUESTS, cells: [] };
    for (const inFlight of IN_FLIGHT) {
      if (ROUNDS === 0) break;
      for (const target of configurations) await drive(target, inFlight, WARM_UP);
      const perRound = configurations.map(() => [] as Round[]);
      for (let round = 0; round < ROUNDS; round += 1) {
        for (let k = 0; k < configurations.length; k += 1) {
          const index = (round + k) % configurations.length;
          const target = configurations[index] as Configuration;
          perRound[index]?.push(await drive(target, inFlight, REQUESTS));
        }
      }
      const direct = perRound[0] as Round[];
      const plain = perRound[1] as Round[];
      console.log(`\n${inFlight} in flight (medians over ${ROUNDS} rounds)`);
      configurations.forEach((target, index) => {
        const rounds = perRound[index] as Round[];
        const cpu = rounds.map((r) => r.cpuPerRequest);
        const cell = {
          name: target.name,
          inFlight,
          rps: median(rounds.map((r) => r.requests / r.seconds)),
          p50: median(rounds.map((r) => r.p50)),
          p99: median(rounds.map((r) => r.p99)),
          addedP50: median(rounds.map((r, i) => r.p50 - (direct[i] as DriveResult).p50)),
          throughputVsPlain: median(
            rounds.map(
              (r, i) =>
                r.requests /
                r.seconds /
                ((plain[i] as Round).requests / (plain[i] as Round).seconds),
            ),
          ),
          ...(cpu.every((c) => c !== undefined) ? { serverCpuUs: median(cpu as number[]) } : {}),
        };
        results.cells.push(cell);
        console.log(
          `  ${target.name.padEnd(14)} ${cell.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(cell.p50)}  p99 ${ms(cell.p99)}  added p50 over direct ${ms(cell.addedP50)}  throughput / plain proxy ${ratio(cell.throughputVsPlain)}${cell.serverCpuUs === undefined ? '' : `  server CPU ${cell.serverCpuUs.toFixed(0)} us/request`}`,
        );
      });
      const cell = (name: ConfigName) =>
        results.cells.find((c) => c.name === name && c.inFlight === inFlight);
      const pub = cell('public route');
      const limited = cell('+ rate limit');
      const plainCpu = cell('plain proxy')?.serverCpuUs;
      if (plainCpu !== undefined && pub?.serverCpuUs && limited?.serverCpuUs) {
        // What the throughput ratio would be with each server CPU-bound (not a verdict: the targets
        // are throughput), steadier than throughput when other work shares the machine.
        console.log(
          `server CPU per request (${inFlight} in flight): plain proxy ${plainCpu.toFixed(0)} us, public route ${pub.serverCpuUs.toFixed(0)} us (plain / public ${ratio(plainCpu / pub.serverCpuUs)}), authenticated + rate-limited ${limited.serverCpuUs.toFixed(0)} us (plain / it ${ratio(plainCpu / limited.serverCpuUs)})`,
        );
      }
      if (pub && limited) {
        console.log(
          verdict(
            `public route / plain proxy throughput (${inFlight} in flight)`,
            pub.throughputVsPlain,
            { op: '>=', limit: 0.7, unit: 'x' },
          ),
        );
        console.log(
          verdict(
            `authenticated + rate-limited / plain proxy throughput (${inFlight} in flight)`,
            limited.throughputVsPlain,
            { op: '>=', limit: 0.6, unit: 'x' },
          ),
        );
        // Lambda serves one request at a time per instance: the latency targets are for that case;
        // at 10 in flight the added p50 is mostly queueing, judged by the throughput instead.
        if (inFlight === 1) {
          console.log(
            verdict('public route added p50 over direct (1 in flight)', pub.addedP50, {
              op: '<',
              limit: 0.3,
              unit: 'ms',
            }),
          );
          console.log(
            verdict(
              'authenticated + rate-limited added p50 over direct (1 in flight)',
              limited.addedP50,
              { op: '<', limit: 0.45, unit: 'ms' },
            ),
          );
        }
      }
    }

    if (memoryFirst) {
      // The rest of the requests, spread over the three routes as the first were.
      const left = Math.max(0, MEMORY_REQUESTS - gatewayRequests);
      for (const target of gatewayConfigs) {
        await drive(target, 10, Math.ceil(left / gatewayConfigs.length));
      }
      const memoryLast = await memoryOf(gateway);
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      console.log(
        `\nmemory of the gateway's process after a full collection: after ${firstCount} requests RSS ${mb(memoryFirst.rss)}, heap used ${mb(memoryFirst.heapUsed)}; after ${gatewayRequests} requests RSS ${mb(memoryLast.rss)}, heap used ${mb(memoryLast.heapUsed)}`,
      );
      results.memory = {
        firstRequests: firstCount,
        lastRequests: gatewayRequests,
        first: { rss: memoryFirst.rss, heapUsed: memoryFirst.heapUsed },
        last: { rss: memoryLast.rss, heapUsed: memoryLast.heapUsed },
      };
      console.log(
        verdict(
          `RSS after ${gatewayRequests} requests / after the first ${firstCount}`,
          memoryLast.rss / memoryFirst.rss,
          { op: '<=', limit: 1.1, unit: 'x' },
        ),
      );
      console.log(
        verdict(
          `heap used after ${gatewayRequests} requests / after the first ${firstCount}`,
          memoryLast.heapUsed / memoryFirst.heapUsed,
          { op: '<=', limit: 1.1, unit: 'x' },
        ),
      );
    }

    gateway.kill('SIGTERM');
    await exited(gateway);
    // Logging stays complete: every request the gateway served has its access line and its EMF
    // document (the readiness probes too).
    const served = gatewayRequests + probes;
    const lines = await countLines(LOG_FILE, {
      access: '"message":"request",',
      // The request's own document: the first invocation's cold-start metric has one of its own.
      emf: '"Name":"Requests"',
    });
    results.logs = { requests: served, accessLines: lines.access ?? 0, emf: lines.emf ?? 0 };
    console.log(
      `\nthe gateway's output: ${lines.access} access-log lines and ${lines.emf} EMF documents for ${served} requests (${probes} of them readiness probes)`,
    );
    console.log(
      verdict('access-log lines per request', (lines.access ?? 0) / served, {
        op: '=',
        limit: 1,
        unit: '',
      }),
    );
    console.log(
      verdict('EMF documents per request', (lines.emf ?? 0) / served, {
        op: '=',
        limit: 1,
        unit: '',
      }),
    );
    if (process.env.BENCH_RESULTS) {
      writeFileSync(process.env.BENCH_RESULTS, JSON.stringify(results, null, 2));
    }
  } finally {
    closeSync(logFd);
    driver?.stop();
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    await Promise.all(children.map(exited));
    await dynamo.close();
    // A roomy bucket's key expires when it would be full again, a moment after its last take: most
    // are gone by now. The rest are removed, and the second pass shows none is left.
    const removed = await removeRunKeys();
    const left = await removeRunKeys();
    console.log(`cleanup: removed ${removed} Redis keys of user ${USER_ID}; ${left} left`);
    if (process.env.BENCH_KEEP_LOGS) console.log(`the gateway's output: ${LOG_FILE}`);
    else rmSync(LOG_FILE, { force: true });
    rmSync(CONFIG_FILE, { force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
