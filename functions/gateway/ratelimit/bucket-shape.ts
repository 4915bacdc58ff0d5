import type { BucketSpec, RateDecision } from './rate-limiter';

/**
 * A bucket's settings in the units the GCRA arithmetic uses, worked out once per route limit when
 * the route table is compiled. GCRA keeps one number per bucket, the time at which it is full
 * again (TAT); `ahead` below is TAT - now, so the tokens in the bucket are
 * `(tolerance - ahead) / interval`.
 */
export interface BucketShape {
  /** Microseconds per token. */
  readonly interval: number;
  /** How far TAT may run ahead of now: a full bucket's worth of microseconds. */
  readonly tolerance: number;
  /** Microseconds one request adds to TAT (its cost). */
  readonly increment: number;
  /** `tolerance` and `increment` as the Lua script's ARGV, formatted once rather than per call. */
  readonly scriptArgs: readonly [string, string];
}

/**
 * The script replies with TAT - now in integer nanoseconds, which Redis carries as a signed 64-bit
 * integer: about 292 years of microseconds. The config refuses buckets slower than 10 years.
 */
const MAX_TOLERANCE_MICROS = 9e15;

/**
 * A spec's shape, computed. JavaScript and Redis' Lua both compute in IEEE doubles, and `String(x)`
 * is the shortest text that reads back as exactly `x`: the script works with exactly these numbers.
 */
export const computeBucketShape = (spec: Omit<BucketSpec, 'shape'>): BucketShape => {
  const interval = 1_000_000 / spec.refillPerSecond;
  const tolerance = spec.capacity * interval;
  const increment = spec.cost * interval;
  if (!(tolerance <= MAX_TOLERANCE_MICROS)) {
    throw new RangeError(`bucket refills too slowly: ${tolerance} us from empty`);
  }
  return { interval, tolerance, increment, scriptArgs: [String(tolerance), String(increment)] };
};

/** A spec with its shape attached, for the life of the container: what a route's limit compiles to. */
export const shapedBucketSpec = (spec: Omit<BucketSpec, 'shape'>): BucketSpec => ({
  capacity: spec.capacity,
  refillPerSecond: spec.refillPerSecond,
  cost: spec.cost,
  shape: computeBucketShape(spec),
});

/**
 * The shape a limiter works with: the one compiled with the route table (a property read per
 * request), else computed for a spec made without it.
 */
export const bucketShape = (spec: BucketSpec): BucketShape =>
  spec.shape ?? computeBucketShape(spec);

/**
 * The decision a take reaches, from whether it was allowed and how far TAT then runs ahead of now
 * (microseconds; after the take when allowed, unchanged when refused). One place for the rounding
 * both limiters share: whole tokens down, waits up to the next millisecond.
 */
export const decisionFromAhead = (
  shape: BucketShape,
  allowed: boolean,
  ahead: number,
): RateDecision => ({
  allowed,
  remaining: Math.floor((shape.tolerance - ahead) / shape.interval),
  resetMs: Math.ceil(ahead / 1000),
  retryAfterMs: allowed ? 0 : Math.ceil((ahead + shape.increment - shape.tolerance) / 1000),
});
