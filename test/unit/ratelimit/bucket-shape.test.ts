import {
  bucketShape,
  decisionFromAhead,
  shapedBucketSpec,
} from '../../../functions/gateway/ratelimit/bucket-shape';

describe('bucketShape', () => {
  it('gives the same arithmetic for a spec compiled with its shape and for a bare one', () => {
    const bare = { capacity: 100, refillPerSecond: 3, cost: 2 };
    const compiled = shapedBucketSpec(bare);

    expect(compiled.shape).toEqual(bucketShape(bare));
    expect(bucketShape(compiled)).toEqual(bucketShape(bare));
    expect(bucketShape(compiled).tolerance).toBe(100 * (1_000_000 / 3));
  });

  it('refuses a bucket whose refill time the script could not express', () => {
    expect(() => bucketShape({ capacity: 1e9, refillPerSecond: 1e-9, cost: 1 })).toThrow(
      RangeError,
    );
  });

  it('formats the script arguments so that they read back as exactly the same doubles', () => {
    const shape = bucketShape({ capacity: 7, refillPerSecond: 3, cost: 2 });

    expect(Number(shape.scriptArgs[0])).toBe(shape.tolerance);
    expect(Number(shape.scriptArgs[1])).toBe(shape.increment);
    expect(shape.increment).toBe(2 * (1_000_000 / 3));
  });
});

describe('decisionFromAhead', () => {
  // 4 tokens per second: 250 ms per token, a full bucket of 10 is 2.5 s.
  const shape = bucketShape({ capacity: 10, refillPerSecond: 4, cost: 3 });

  it('counts whole tokens down and the time until full up, for an allowed take', () => {
    expect(decisionFromAhead(shape, true, 750_000.5)).toEqual({
      allowed: true,
      remaining: 6, // 6.999998 tokens left
      resetMs: 751,
      retryAfterMs: 0,
    });
  });

  it('says how long until the cost fits, for a refused take', () => {
    // 0.4 tokens in the bucket: the 3-token cost fits after 2.6 tokens, 650 ms.
    expect(decisionFromAhead(shape, false, 2_400_000)).toEqual({
      allowed: false,
      remaining: 0,
      resetMs: 2400,
      retryAfterMs: 650,
    });
  });
});
