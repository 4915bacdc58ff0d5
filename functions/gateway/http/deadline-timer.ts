/**
 * Calls `onDeadline` once `timeoutMs` have passed AND the event loop has read its sockets since:
 * the timer only schedules the verdict with `setImmediate`, which runs after the next poll phase.
 *
 * Why: timers run in the event loop's timers phase, before the poll phase that reads sockets. On a
 * loop saturated by other requests a timer comes due long after its time, while the answer it
 * guards has been waiting in the socket for most of that time; fired directly, it would call a
 * healthy dependency timed out (Redis, DynamoDB, an upstream) and open circuits, fail open, or
 * answer 503/504 for nothing. With this, a timeout means that a poll phase starting after the
 * deadline found no answer. Loop lag can delay a verdict, never turn an answer into a timeout.
 * Every deadline of the gateway's dependencies uses it (`replyWithin`, `boundedCall`, the proxy).
 *
 * @returns the timer, for `clearTimeout` once the answer is in.
 */
export const setDeadline = (timeoutMs: number, onDeadline: () => void): NodeJS.Timeout =>
  setTimeout(() => setImmediate(onDeadline), timeoutMs);
