/**
 * The soak's load: `SOAK_CONNECTIONS` keep-alive connections (undici `Pool`, one request in flight
 * on each) sending `GET SOAK_PATH` to `SOAK_ORIGIN` as fast as the gateway answers: first for
 * `SOAK_WARM_UP_SECONDS` with `SOAK_WARM_UP_COOKIE` (another user: the gateway warms up on a bucket
 * the soak does not measure), then for `SOAK_SECONDS` with `SOAK_COOKIE`. Runs in its own process so
 * it does not share the gateway's event loop; sends its tally to the soak over IPC.
 */
import { type Dispatcher, Pool } from 'undici';
import { percentile } from '../../bench/stats';
import type { DriverResult, PhaseTally } from './soak-messages';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/** Every connection busy for `seconds`, one request after the other. */
const phase = async (
  pool: Dispatcher,
  request: Dispatcher.RequestOptions,
  connections: number,
  seconds: number,
): Promise<PhaseTally & { latencies: number[] }> => {
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  const perSecond: number[] = [];
  const latencies: number[] = [];
  let transportErrors = 0;
  let responses = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let lastAnswer = started;
  let firstAllowed = Number.POSITIVE_INFINITY;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await pool.request(request);
        const status = response.statusCode;
        if (status >= 500 && samples.length < 10) {
          samples.push(`${status} ${await response.body.text()}`);
        } else {
          await response.body.dump();
        }
        lastAnswer = performance.now();
        if (status === 200 && lastAnswer < firstAllowed) firstAllowed = lastAnswer;
        responses += 1;
        statuses[status] = (statuses[status] ?? 0) + 1;
        const second = Math.floor((lastAnswer - started) / 1000);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
        latencies.push(lastAnswer - sent);
      } catch (error) {
        transportErrors += 1;
        if (samples.length < 10) samples.push(`transport: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return {
    responses,
    statuses,
    transportErrors,
    samples,
    windowMs: lastAnswer - started,
    allowedWindowMs: Number.isFinite(firstAllowed) ? lastAnswer - firstAllowed : 0,
    perSecond: Array.from(perSecond, (count) => count ?? 0),
    latencies,
  };
};

const main = async (): Promise<void> => {
  const origin = required('SOAK_ORIGIN');
  const path = required('SOAK_PATH');
  const connections = Number(required('SOAK_CONNECTIONS'));
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const get = (cookie: string): Dispatcher.RequestOptions => ({
    path,
    method: 'GET',
    headers: { cookie },
  });

  const { latencies: _warmLatencies, ...warmUp } = await phase(
    pool,
    get(required('SOAK_WARM_UP_COOKIE')),
    connections,
    Number(required('SOAK_WARM_UP_SECONDS')),
  );
  process.send?.({ kind: 'measuring' });
  const { latencies, ...measured } = await phase(
    pool,
    get(required('SOAK_COOKIE')),
    connections,
    Number(required('SOAK_SECONDS')),
  );
  await pool.close();

  latencies.sort((a, b) => a - b);
  const result: DriverResult = {
    kind: 'result',
    connections,
    warmUp,
    ...measured,
    latencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? Number.NaN,
    },
  };
  process.send?.(result);
};

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    console.error('load driver failed:', error);
    process.exit(1);
  },
);
