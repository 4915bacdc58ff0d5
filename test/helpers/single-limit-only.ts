import type { RateLimiter } from '../../functions/gateway/ratelimit/rate-limiter';

/**
 * `takeAll` for limiter doubles of tests whose routes have one limit each: a multi-limit call
 * reaching one is a test mistake, so it says so.
 */
export const unusedTakeAll: RateLimiter['takeAll'] = () =>
  Promise.reject(new Error('this limiter double serves single-limit routes only'));
