import type { SecretSource } from './secret-source';

export interface RateLimitedReread {
  /**
   * Reads the source again, unless a read is under way or the last one began less than the
   * interval ago: then `undefined`, and the source is not asked.
   */
  reread(): Promise<string> | undefined;
}

/**
 * At most one read of `source` per `minIntervalMs`, so a secret that still holds a rejected value
 * (or a failing Secrets Manager) costs one call per interval per container, not one per error.
 */
export const rateLimitedReread = (
  source: SecretSource,
  minIntervalMs: number,
  now: () => number = Date.now,
): RateLimitedReread => {
  let lastStart = Number.NEGATIVE_INFINITY;
  let inFlight = false;
  return {
    reread: () => {
      if (inFlight || now() - lastStart < minIntervalMs) return undefined;
      lastStart = now();
      inFlight = true;
      return source.read().finally(() => {
        inFlight = false;
      });
    },
  };
};
