/**
 * `npm run soak`: 200 connections for 60 s on the shipped, authenticated, rate-limited `users`
 * route (a 100 + 10/s bucket per user, `fail_open`, the default 50 ms Redis timeout), through the
 * gateway as `npm start` runs it, in its own process, bundled by esbuild as Lambda runs it.
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
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { percentile } from '../../bench/stats';
import { startDemoUpstream } from '../../dev/demo-upstream';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from '../../dev/local-dynamodb';
import { loadConfig } from '../../functions/gateway/config/load-config';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import {
  allowedMatchesTheory,
  type Check,
  heapFlat,
  noServerErrors,
  onlyExpectedAnswers,
  rssFlat,
} from './soak-checks';
import type { DriverResult, MemoryRequest, MemorySample } from './soak-messages';

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
const BANNER =
  'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);';

/** The three programs as esbuild bundles, the gateway as the Lambda bundle is built. */
const bundle = async (): Promise<void> => {
  await build({
    entryPoints: {
      gateway: 'dev/start.ts',
      'memory-probe': 'test/soak/memory-probe.ts',
      'load-driver': 'test/soak/load-driver.ts',
    },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    loader: { '.lua': 'text' },
    // npm start only loads dynalite when it starts its own store; here the soak runs one.
    external: ['dynalite'],
    banner: { js: BANNER },
    logLevel: 'warning',
  });
};

/** Counts one of the gateway's output streams line by line and looks into each line, keeping none. */
class OutputWatch {
  lines = 0;
  bytes = 0;
  accessLogLines = 0;
  emfDocuments = 0;
  failOpenLines = 0;
  circuitLines = 0;
  leaks = 0;
  /** Lines per `message` (and `reason`), for the report (warnings and errors go to stderr). */
  readonly messages = new Map<string, number>();
  readonly #secrets: readonly string[];
  #partial = '';
  #url: ((url: string) => void) | undefined;
  readonly url: Promise<string>;

  constructor(secrets: readonly string[]) {
    this.#secrets = secrets;
    this.url = new Promise((resolve) => {
      this.#url = resolve;
    });
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    const text = this.#partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    this.lines += 1;
    if (this.#secrets.some((secret) => line.includes(secret))) this.leaks += 1;
    if (!line.startsWith('{')) {
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening?.[1]) this.#url?.(listening[1]);
      return;
    }
    if (line.includes('"_aws"')) this.emfDocuments += 1;
    const message = /"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    if (message === undefined) return;
    if (message === 'request') this.accessLogLines += 1;
    if (message.includes('request let through (fail_open)')) this.failOpenLines += 1;
    if (message.startsWith('rate limiter circuit')) this.circuitLines += 1;
    const reason = /"reason":"([^"]*)"/.exec(line)?.[1];
    const key = reason ? `${message} (${reason})` : message;
    if (this.messages.has(key) || this.messages.size < 50) {
      this.messages.set(key, (this.messages.get(key) ?? 0) + 1);
    }
  }

  /** The most frequent messages, for the report. */
  top(n: number): string {
    return [...this.messages]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([message, count]) => `${count} x ${message.slice(0, 120)}`)
      .join('; ');
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
  await bundle();

  // The bucket the shipped route promises; the soak checks the gateway against it.
  const config = loadConfig('config/gateway.yml', { DEMO_UPSTREAM_URL: 'http://unused' });
  const route = config.routes.find((r) => r.id === ROUTE_ID);
  const limit = route?.rate_limit;
  if (!limit) throw new Error(`config/gateway.yml has no rate-limited route "${ROUTE_ID}"`);

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
      allowedMatchesTheory(tally, {
        capacity: limit.capacity,
        refillPerSecond: limit.refill_per_second,
      }),
      rssFlat(memory, WARM_UP_MS, MAX_RSS_GROWTH),
      heapFlat(collected, MAX_HEAP_GROWTH),
      {
        name: 'one access-log line per request (logs on)',
        // The readiness request before the load has its line too.
        ok: watch.accessLogLines === tally.warmUp.responses + tally.responses + 1,
        detail: `${watch.accessLogLines} access-log lines for ${tally.warmUp.responses} + ${tally.responses} responses and 1 readiness check; ${watch.emfDocuments} EMF documents`,
      },
      {
        name: 'no cookie or secret in the output',
        ok: watch.leaks + watchErr.leaks === 0,
        detail: `${watch.leaks + watchErr.leaks} lines with the session token or secret`,
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
    console.log(
      `gateway stdout: ${watch.lines} lines, ${mb(watch.bytes)} MB (${watch.accessLogLines} access log, ${watch.emfDocuments} EMF documents); fail-open lines ${watch.failOpenLines + watchErr.failOpenLines}, circuit lines ${watch.circuitLines + watchErr.circuitLines}`,
    );
    console.log(
      `gateway stderr: ${watchErr.lines} lines, ${mb(watchErr.bytes)} MB${watchErr.messages.size ? `: ${watchErr.top(8)}` : ''}`,
    );
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
