import type fc from 'fast-check';

/**
 * fast-check settings for the property project: `PROPERTY_RUNS` cases per property (default 500,
 * the CI floor) and `PROPERTY_SEED` to replay a reported failure.
 */
export const propertyParameters = <T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> => {
  const runs = Number(process.env.PROPERTY_RUNS ?? 500);
  const seed = process.env.PROPERTY_SEED;
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : 500,
    ...(seed ? { seed: Number(seed) } : {}),
    ...overrides,
  };
};

/** A jest timeout for one property: generous, since a failing one also shrinks. */
export const PROPERTY_TIMEOUT_MS = 300_000;
