/**
 * The proxy benchmark's load, in its own process so it does not share an event loop with what it
 * measures: for each request of the orchestrator (IPC), `requests` GETs with `inFlight` outstanding
 * at any time on as many kept-alive connections (an undici Pool per origin and concurrency),
 * timed from this side. Answers with the p50/p99 and the throughput.
 */
import { Pool } from 'undici';
import { percentile } from '../stats';
import type { DriveRequest, DriveResult } from './messages';

const pools = new Map<string, Pool>();
const poolFor = (origin: string, inFlight: number): Pool => {
  const key = `${origin} ${inFlight}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(origin, { connections: inFlight, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(key, pool);
  }
  return pool;
};

const drive = async (order: DriveRequest): Promise<DriveResult> => {
  const pool = poolFor(order.origin, order.inFlight);
  const latencies = new Float64Array(order.requests);
  let next = 0;
  let done = 0;
  let unexpected = 0;
  let sample: string | undefined;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < order.requests) {
      next += 1;
      const sent = performance.now();
      const response = await pool.request({
        path: order.path,
        method: 'GET',
        headers: order.headers,
      });
      if (response.statusCode === 200) {
        await response.body.dump();
      } else {
        unexpected += 1;
        sample ??= `${response.statusCode} ${(await response.body.text()).slice(0, 300)}`;
      }
      latencies[done] = performance.now() - sent;
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: order.inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies.subarray(0, done).sort());
  return {
    kind: 'driven',
    id: order.id,
    requests: done,
    seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    unexpected,
    ...(sample ? { sample } : {}),
  };
};

process.on('message', (order: DriveRequest) => {
  if (order?.kind !== 'drive') return;
  drive(order).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error('load driver failed:', error);
      process.exit(1);
    },
  );
});
process.once('disconnect', () => {
  for (const pool of pools.values()) pool.destroy();
  process.exit(0);
});
