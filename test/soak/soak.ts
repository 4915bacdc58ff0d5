/**
 * `npm run soak`: 200 connections for 60 s on the shipped, authenticated, rate-limited `users`
 * route (a 100 + 10/s bucket per user, `fail_open`, the default 50 ms Redis timeout), through the
 * gateway as `npm start` runs it, in its own process, bundled by esbuild as Lambda runs it. A 3 s
 * warm-up on another user's session comes first, so the measured bucket starts on a warm gateway.
 *
 * Processes: this one (dynalite with the sessions table, the demo upstream on loopback, the
 * report); the gateway (`dev/start.ts`: wireGatewayFromEnv behind the local server, logs and EMF on
 * as in production, Redis at 127.0.0.1:6379); the load driver (undici). Checks: no 5xx, every
 * request answered with 200 or 429, the allowed count within 1% of the bucket's theory, RSS and
 * heap flat after warm-up, one access-log line per request, no cookie or secret in the output.
 * Exits 1 with the failed checks named.
 *
 * Environment: SOAK_SECONDS (default 60), SOAK_CONNECTIONS (default 200).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { percentile } from '../../bench/stats';
import { startDemoUpstream } from '../../dev/demo-upstream';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from '../../dev/local-dynamodb';
import { loadConfig } from '../../functions/gateway/loader/load-config';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { helpIfAsked } from '../../scripts/cli-help';
import { SessionAdmin } from '../../scripts/session-admin';
import { bundleEntries } from '../helpers/npm-start-bundle';
import {
  allowedMatchesTheory,
  type Check,
  heapFlat,
  noServerErrors,
  onlyExpectedAnswers,
  rssFlat,
} from './soak-checks';
import type { DriverResult, MemoryRequest, MemorySample } from './soak-messages';

helpIfAsked(
  process.argv.slice(2),
  `usage: npm run soak

200 keep-alive connections for 60 s on the shipped users route, through the gateway as npm start
runs it (bundled, in its own process, JSON logs and EMF on, Redis at 127.0.0.1:6379, dynalite).
Fails, naming the check, on any 5xx, an answer other than 200/429, allowed requests more than 1%
off the bucket's theory, growing RSS or heap, a missing access-log line, or a secret in the output.
Environment: SOAK_SECONDS (default 60), SOAK_CONNECTIONS (default 200).`,
);

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/** Before the measured load, another user's: the gateway's first requests are not measured. */
const WARM_UP_SECONDS = 3;
const LOAD_MS = (WARM_UP_SECONDS + SECONDS) * 1000;
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 200);
/** Memory is compared from here on (from the start of the load, warm-up phase included). */
const WARM_UP_MS = 10_000;
const SAMPLE_EVERY_MS = 1_000;
/** Full collections, for the retained heap: at the end of warm-up, every 10 s, and near the end. */
const GC_EVERY_MS = 10_000;
const MAX_RSS_GROWTH = 64 * 1024 * 1024;
const MAX_HEAP_GROWTH = 16 * 1024 * 1024;
const ROUTE_PATH = '/api/users/1';
const ROUTE_ID = 'users';
const OUT_DIR = '.bench-build/soak';
/** The three programs as esbuild bundles, the gateway as the Lambda bundle is built. */
const bundle = (): Promise<void> =>
  bundleEntries(
    {
      gateway: 'dev/start.ts',
      'memory-probe': 'test/soak/memory-probe.ts',
      'load-driver': 'test/soak/load-driver.ts',
    },
    OUT_DIR,
  );

/** What the soak counts in the gateway's output: a name and the bytes that mark it in a line. */
const PATTERNS = {
  accessLog: '"message":"request",',
  emf: '"_aws":',
  error: '"level":"ERROR"',
  warn: '"level":"WARN"',
  failOpen: 'request let through (fail_open)',
  circuitOpen: 'rate limiter circuit open',
  redisTimeout: '"reason":"redis_timeout"',
  redisUnavailable: '"reason":"redis_unavailable"',
  redisCircuitOpen: '"reason":"redis_circuit_open"',
  dynamodb: '"reason":"dynamodb_',
} as const;
type PatternName = keyof typeof PATTERNS;

/**
 * Counts one of the gateway's output streams: lines, and lines that hold each pattern or a secret.
 * Bytes are searched as they come (`Buffer.indexOf`), without splitting lines into strings: the
 * gateway writes a few MB a second, and this process must not take the CPU Redis needs.
 */
class OutputWatch {
  lines = 0;
  bytes = 0;
  leaks = 0;
  readonly counts = Object.fromEntries(Object.keys(PATTERNS).map((name) => [name, 0])) as Record<
    PatternName,
    number
  >;
  /** The first few error lines, for the report. */
  readonly errors: string[] = [];
  readonly #patterns: readonly [PatternName, Buffer][];
  readonly #secrets: readonly Buffer[];
  readonly #overlap: number;
  #tail: Buffer = Buffer.alloc(0);
  #head = '';
  #url: ((url: string) => void) | undefined;
  readonly url: Promise<string>;

  constructor(secrets: readonly string[]) {
    this.#patterns = Object.entries(PATTERNS).map(([name, text]) => [
      name as PatternName,
      Buffer.from(text),
    ]);
    this.#secrets = secrets.map((secret) => Buffer.from(secret));
    this.#overlap =
      Math.max(...[...this.#patterns.map(([, b]) => b), ...this.#secrets].map((b) => b.length)) - 1;
    this.url = new Promise((resolve) => {
      this.#url = resolve;
    });
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.lines += 1;
    // The previous chunk's end is searched again, for a pattern cut in two; a match lying wholly
    // in that end was counted then.
    const text = this.#tail.length > 0 ? Buffer.concat([this.#tail, chunk]) : chunk;
    const fresh = (start: number, length: number): boolean => start + length > this.#tail.length;
    for (const [name, pattern] of this.#patterns) {
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) {
        if (!fresh(at, pattern.length)) continue;
        this.counts[name] += 1;
        if (name === 'error' && this.errors.length < 3) this.errors.push(this.#lineAt(text, at));
      }
    }
    for (const secret of this.#secrets) {
      for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
        if (fresh(at, secret.length)) this.leaks += 1;
      }
    }
    this.#tail = text.subarray(Math.max(0, text.length - this.#overlap));
    if (this.#head.length < 20_000) {
      this.#head += chunk.toString('utf8');
      const listening = /listening on (http:\/\/\S+)/.exec(this.#head);
      if (listening?.[1]) this.#url?.(listening[1]);
    }
  }

  #lineAt(text: Buffer, at: number): string {
    const start = text.lastIndexOf(10, at) + 1;
    const end = text.indexOf(10, at);
    return text
      .subarray(start, end === -1 ? text.length : end)
      .toString('utf8')
      .slice(0, 600);
  }

  /** Counts above zero, for the report. */
  summary(): string {
    return Object.entries(this.counts)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name} ${count}`)
      .join(', ');
  }
}

/**
 * PINGs the shared Redis from this process every few milliseconds, for the report: when the
 * gateway says `redis_timeout`, this tells a Redis that really stalled from a gateway-side cause.
 */
class RedisWatch {
  readonly #client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  readonly #latencies: number[] = [];
  #timer: NodeJS.Timeout | undefined;

  async start(): Promise<void> {
    await this.#client.connect();
    const ping = (): void => {
      const sent = performance.now();
      this.#client.ping().then(
        () => {
          this.#latencies.push(performance.now() - sent);
          this.#timer = setTimeout(ping, 10);
        },
        () => undefined,
      );
    };
    ping();
  }

  stop(): string {
    clearTimeout(this.#timer);
    this.#client.disconnect();
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const over = sorted.filter((ms) => ms >= 50).length;
    return `${sorted.length} PINGs from the soak's process: p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? Number.NaN).toFixed(1)} ms, ${over} took 50 ms or more`;
  }
}

/**
 * A failed allowed count says why when the gateway let requests through unlimited: `fail_open` is
 * the shipped route's promise when Redis does not answer in time, and the PINGs show whether Redis
 * itself stalled (an overloaded machine) or answered promptly (a gateway-side fault).
 */
const explainFailOpen = (check: Check, warnings: OutputWatch, redisLatency: string): Check => {
  const { failOpen, redisTimeout, redisUnavailable, redisCircuitOpen } = warnings.counts;
  if (check.ok || failOpen === 0) return check;
  return {
    ...check,
    detail: `${check.detail}; ${failOpen} requests let through by fail_open (redis_timeout ${redisTimeout}, redis_unavailable ${redisUnavailable}, redis_circuit_open ${redisCircuitOpen}); redis: ${redisLatency}`,
  };
};

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : once(child, 'exit').then(([code]) => code as number | null);

const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  const timer = sleep(ms).then(() => {
    throw new Error(`${what} took longer than ${ms} ms`);
  });
  return Promise.race([promise, timer]);
};

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

const main = async (): Promise<boolean> => {
  const started = performance.now();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Redis and DynamoDB run on their own nodes in production; here they share two cores with the
  // gateway and the driver. The soak's processes (this one with dynalite, and the gateway and the
  // driver, which inherit it) run at nice 10, so the shared Redis gets the CPU to answer in time
  // (the gateway's event loop stays saturated all the same).
  setPriority(10);
  await bundle();

  // The bucket the shipped route promises; the soak checks the gateway against it.
  const config = loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: 'http://unused' });
  const route = config.routes.find((r) => r.id === ROUTE_ID);
  const limit = route?.rate_limit;
  if (!limit || Array.isArray(limit)) {
    throw new Error(`config/gateway.yml has no route "${ROUTE_ID}" with one rate limit`);
  }

  // Sessions: dynalite here, a real session in it, its signed cookie for the driver.
  Object.assign(process.env, LOCAL_AWS_ENV);
  const dynamo = await startLocalDynamoDb();
  const tableName = `soak-sessions-${randomUUID().slice(0, 8)}`;
  await createSessionTable(dynamo.endpoint, tableName);
  const secret = randomBytes(32).toString('base64url');
  const documents = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  // Users of their own: the bucket keys in the shared Redis are this run's alone.
  const admin = new SessionAdmin(documents, tableName, new SessionSigner([secret]));
  const session = (userId: string) => admin.create({ userId, roles: ['reader'], ttlSeconds: 3600 });
  const { token } = await session(`soak-${randomUUID()}`);
  const { token: warmUpToken } = await session(`soak-warm-up-${randomUUID()}`);
  documents.destroy();
  const cookieName = config.sessions.cookie_name;
  const upstream = await startDemoUpstream();

  const watch = new OutputWatch([token, warmUpToken, secret]);
  const watchErr = new OutputWatch([token, warmUpToken, secret]);
  const environment: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...LOCAL_AWS_ENV,
    GATEWAY_PORT: '0',
    DEMO_UPSTREAM_URL: upstream.url,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SESSION_TABLE: tableName,
    SESSION_SECRET: secret,
    REDIS_URL: 'redis://127.0.0.1:6379',
    OIDC_PORT: '0',
    // As on Lambda: JSON logs and EMF metrics (npm start would default to the readable dev logs).
    POWERTOOLS_DEV: 'false',
    POWERTOOLS_METRICS_DISABLED: 'false',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const gateway = fork(`${OUT_DIR}/gateway.mjs`, [], {
    env: environment,
    execArgv: ['--expose-gc', '--import', `./${OUT_DIR}/memory-probe.mjs`],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  gateway.stdout?.on('data', (chunk: Buffer) => watch.write(chunk));
  let stderrHead = '';
  gateway.stderr?.on('data', (chunk: Buffer) => {
    watchErr.write(chunk);
    if (stderrHead.length < 2000) stderrHead += chunk.toString('utf8');
  });
  const memory: { atMs: number; sample: MemorySample }[] = [];
  let loadStarted = 0;
  gateway.on('message', (message: MemorySample) => {
    if (message.kind === 'memory')
      memory.push({ atMs: performance.now() - loadStarted, sample: message });
  });

  let driver: ChildProcess | undefined;
  const stopAll = async (): Promise<void> => {
    driver?.kill('SIGKILL');
    if (gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await withTimeout(exited(gateway), 10_000, 'the gateway stopping').catch(() =>
        gateway.kill('SIGKILL'),
      );
    }
    await upstream.close();
    await dynamo.close();
  };

  try {
    const url = await withTimeout(
      Promise.race([
        watch.url,
        exited(gateway).then((code) => {
          throw new Error(`the gateway exited (${code}) before listening: ${stderrHead}`);
        }),
      ]),
      30_000,
      'the gateway starting',
    );
    const ready = await fetch(`${url}/health/ready`);
    if (ready.status !== 200) {
      throw new Error(`the gateway is not ready: ${ready.status} ${await ready.text()}`);
    }

    console.log(
      `soak: ${CONNECTIONS} connections x ${WARM_UP_SECONDS} s warm-up + ${SECONDS} s on GET ${ROUTE_PATH} (route ${ROUTE_ID}: ${limit.capacity} + ${limit.refill_per_second}/s per user, ${limit.on_error}), gateway ${url} (esbuild bundle of dev/start.ts, pid ${gateway.pid})`,
    );
    const redisWatch = new RedisWatch();
    await redisWatch.start();
    loadStarted = performance.now();
    driver = fork(`${OUT_DIR}/load-driver.mjs`, [], {
      env: {
        PATH: process.env.PATH,
        SOAK_ORIGIN: url,
        SOAK_PATH: ROUTE_PATH,
        SOAK_COOKIE: `${cookieName}=${token}`,
        SOAK_WARM_UP_COOKIE: `${cookieName}=${warmUpToken}`,
        SOAK_WARM_UP_SECONDS: String(WARM_UP_SECONDS),
        SOAK_CONNECTIONS: String(CONNECTIONS),
        SOAK_SECONDS: String(SECONDS),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const result = new Promise<DriverResult>((resolve, reject) => {
      driver?.on('message', (message: DriverResult) => {
        if (message.kind === 'result') resolve(message);
      });
      driver?.on('exit', (code) =>
        reject(new Error(`the load driver exited (${code}) without a result`)),
      );
    });

    const ask = (gc: boolean): void => {
      const request: MemoryRequest = { kind: 'memory', gc };
      if (gateway.connected) gateway.send(request);
    };
    let nextGc = WARM_UP_MS;
    const sampler = setInterval(() => {
      const at = performance.now() - loadStarted;
      const gcNow = at >= nextGc && at < LOAD_MS - SAMPLE_EVERY_MS / 2;
      if (gcNow) nextGc += GC_EVERY_MS;
      ask(false);
      if (gcNow) ask(true);
    }, SAMPLE_EVERY_MS);
    // One last collected sample just before the load ends.
    const lastGc = setTimeout(() => ask(true), LOAD_MS - SAMPLE_EVERY_MS / 2);

    const tally = await withTimeout(result, LOAD_MS + 60_000, 'the load');
    clearInterval(sampler);
    clearTimeout(lastGc);
    const redisLatency = redisWatch.stop();
    await sleep(300); // the last log lines and memory answers

    const collected = memory.filter((m) => m.sample.gc && m.atMs >= WARM_UP_MS - SAMPLE_EVERY_MS);
    const checks: Check[] = [
      noServerErrors(tally),
      onlyExpectedAnswers(tally),
      explainFailOpen(
        allowedMatchesTheory(tally, {
          capacity: limit.capacity,
          refillPerSecond: limit.refill_per_second,
        }),
        watchErr,
        redisLatency,
      ),
      rssFlat(memory, WARM_UP_MS, MAX_RSS_GROWTH),
      heapFlat(collected, MAX_HEAP_GROWTH),
      {
        name: 'one access-log line per request (logs on)',
        // The readiness request before the load has its line too.
        ok: watch.counts.accessLog === tally.warmUp.responses + tally.responses + 1,
        detail: `${watch.counts.accessLog} access-log lines for ${tally.warmUp.responses} + ${tally.responses} responses and 1 readiness check; ${watch.counts.emf} EMF documents`,
      },
      {
        name: 'no cookie or secret in the output',
        ok: watch.leaks + watchErr.leaks === 0,
        detail: `${watch.leaks + watchErr.leaks} occurrences of the session tokens or the secret`,
      },
    ];

    const seconds = tally.windowMs / 1000;
    console.log(
      `load: ${tally.responses} responses in ${seconds.toFixed(2)} s (${(tally.responses / seconds).toFixed(0)}/s), statuses ${JSON.stringify(tally.statuses)}, ${tally.transportErrors} transport errors; latency p50 ${tally.latencyMs.p50.toFixed(1)} ms, p99 ${tally.latencyMs.p99.toFixed(1)} ms, max ${tally.latencyMs.max.toFixed(1)} ms`,
    );
    console.log(
      `warm-up (another user, ${WARM_UP_SECONDS} s): ${tally.warmUp.responses} responses, statuses ${JSON.stringify(tally.warmUp.statuses)}, ${tally.warmUp.transportErrors} transport errors`,
    );
    console.log(`per second: ${tally.perSecond.join(' ')}`);
    console.log(`redis: ${redisLatency}`);
    for (const sample of tally.warmUp.samples)
      console.log(`  warm-up sample: ${sample.slice(0, 300)}`);
    console.log(`gateway stdout: ${watch.lines} lines, ${mb(watch.bytes)} MB: ${watch.summary()}`);
    console.log(
      `gateway stderr: ${watchErr.lines} lines, ${mb(watchErr.bytes)} MB: ${watchErr.summary()}`,
    );
    for (const line of [...watch.errors, ...watchErr.errors].slice(0, 3)) {
      console.log(`  error line: ${line}`);
    }
    console.log('memory (MB, t from the start of the load; * after a full GC):');
    console.log(
      memory
        .map(
          (m) =>
            `  ${(m.atMs / 1000).toFixed(0).padStart(3)} s${m.sample.gc ? '*' : ' '} rss ${mb(m.sample.rss).padStart(6)}  heap ${mb(m.sample.heapUsed).padStart(6)} / ${mb(m.sample.heapTotal).padStart(6)}`,
        )
        .join('\n'),
    );
    for (const sample of tally.samples) console.log(`  sample: ${sample.slice(0, 300)}`);
    for (const check of checks) {
      console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
    }
    const failed = checks.filter((check) => !check.ok);
    console.log(
      failed.length === 0
        ? `soak passed in ${((performance.now() - started) / 1000).toFixed(0)} s`
        : `soak FAILED: ${failed.map((check) => check.name).join('; ')}`,
    );
    return failed.length === 0;
  } finally {
    await stopAll();
  }
};

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(`soak FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
