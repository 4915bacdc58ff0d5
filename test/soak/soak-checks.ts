import type { DriverResult, MemorySample, PhaseTally } from './soak-messages';

/** One verdict line of the soak's report. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const phases = (result: DriverResult): readonly PhaseTally[] => [result.warmUp, result];

/** Zero 5xx of any kind, warm-up included (the upstream never answers one: each is the gateway's). */
export const noServerErrors = (result: DriverResult): Check => {
  const fiveXx = phases(result)
    .flatMap((phase) => Object.entries(phase.statuses))
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  return { name: 'no 5xx', ok: fiveXx === 0, detail: `${fiveXx} responses 5xx` };
};

/** Every request got an HTTP answer, and each one was either allowed (200) or limited (429). */
export const onlyExpectedAnswers = (result: DriverResult): Check => {
  const other = phases(result)
    .flatMap((phase) => Object.entries(phase.statuses))
    .filter(([status]) => status !== '200' && status !== '429' && Number(status) < 500)
    .map(([status, count]) => `${count} x ${status}`);
  const transportErrors = result.transportErrors + result.warmUp.transportErrors;
  return {
    name: 'only 200 and 429, every request answered',
    ok: other.length === 0 && transportErrors === 0,
    detail: `${transportErrors} transport errors${other.length ? `; also ${other.join(', ')}` : ''}`,
  };
};

/**
 * The bucket's theory for a bucket that starts full and is drained all the time: the capacity,
 * plus what refills over the measured window, from the first allowed answer to the last answer.
 * Each end lags the bucket's own by a response's way back to the driver (milliseconds, against
 * the 0.6 s of refill that 1% of a minute's theory allows).
 */
export const allowedMatchesTheory = (
  result: DriverResult,
  bucket: { readonly capacity: number; readonly refillPerSecond: number },
  tolerance = 0.01,
): Check => {
  const allowed = result.statuses['200'] ?? 0;
  const seconds = result.allowedWindowMs / 1000;
  const theory = bucket.capacity + bucket.refillPerSecond * seconds;
  const low = theory * (1 - tolerance);
  const high = theory * (1 + tolerance);
  return {
    name: `allowed within ${tolerance * 100}% of the bucket's theory`,
    ok: allowed >= low && allowed <= high,
    detail: `${allowed} allowed; theory ${bucket.capacity} + ${bucket.refillPerSecond}/s x ${seconds.toFixed(2)} s = ${theory.toFixed(1)} (accepted ${low.toFixed(1)}..${high.toFixed(1)})`,
  };
};

/**
 * RSS flat after warm-up: the median of the samples in the first third after warm-up against the
 * median of the last third. Generous on purpose (`maxGrowthBytes`): V8 and the allocator settle in
 * steps, a leak under this load grows without end.
 */
export const rssFlat = (
  samples: readonly { readonly atMs: number; readonly sample: MemorySample }[],
  warmUpMs: number,
  maxGrowthBytes: number,
): Check => {
  const steady = samples.filter((s) => s.atMs >= warmUpMs && !s.sample.gc);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const early = median(steady.slice(0, third).map((s) => s.sample.rss));
  const late = median(steady.slice(-third).map((s) => s.sample.rss));
  return {
    name: 'RSS flat after warm-up',
    ok: steady.length >= 3 && late - early <= maxGrowthBytes,
    detail: `median ${mb(early)} early, ${mb(late)} late (${late - early >= 0 ? '+' : ''}${mb(late - early)}; at most +${mb(maxGrowthBytes)}), ${steady.length} samples`,
  };
};

/** The heap left after a full collection at the end of warm-up, against the same at the end. */
export const heapFlat = (
  collected: readonly { readonly atMs: number; readonly sample: MemorySample }[],
  maxGrowthBytes: number,
): Check => {
  const first = collected[0]?.sample.heapUsed ?? Number.NaN;
  const last = collected[collected.length - 1]?.sample.heapUsed ?? Number.NaN;
  return {
    name: 'heap after full GC flat after warm-up',
    ok: collected.length >= 2 && last - first <= maxGrowthBytes,
    detail: `${collected.map((s) => `${(s.atMs / 1000).toFixed(0)} s ${mb(s.sample.heapUsed)}`).join(', ')} (${last - first >= 0 ? '+' : ''}${mb(last - first)}; at most +${mb(maxGrowthBytes)})`,
  };
};
