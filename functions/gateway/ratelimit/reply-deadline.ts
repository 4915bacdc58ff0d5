/** Redis did not answer a command within the deadline. */
export class ReplyTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'ReplyTimeoutError';
  }
}

/**
 * Settles with `read(value)` when Redis answers in time, rejects with `fail(error)` when it answers
 * with an error, and with `fail(ReplyTimeoutError)` when it has not answered `timeoutMs` after the
 * command was sent. Call it right after sending. (`read` and `fail` are folded in rather than
 * chained after: this is on every request's path, and each `then` costs a promise and a turn.)
 *
 * Why not ioredis `commandTimeout`: a timer fires in the event loop's timers phase, which comes
 * before the poll phase that reads sockets. On a loop saturated by other requests the timer is long
 * overdue by the time the loop comes round, and fires although the reply has been waiting in the
 * socket for most of that time: a busy gateway then "times out" on a healthy Redis, opens its
 * circuit and fails open. Here the timer only schedules the verdict with `setImmediate`, which runs
 * after the next poll phase: a reply received by then is read first and wins. So a timeout means
 * that a poll phase starting after the deadline found no reply. Event-loop lag needs no allowance
 * of its own: it can delay a verdict, never turn an answer into a timeout.
 *
 * One timer per command, as ioredis had: Node keeps timers of one duration in one list with one
 * system timer, and a cleared one is garbage at once. (A shared queue of pending commands, tried
 * first, cost ten times as much: the entries lived until the next sweep and survived into the old
 * generation.)
 */
export const replyWithin = <T, R>(
  reply: Promise<T>,
  timeoutMs: number,
  read: (value: T) => R,
  fail: (error: unknown) => unknown,
): Promise<R> =>
  new Promise<R>((resolve, reject) => {
    let settled = false;
    const verdict = (): void => {
      if (settled) return;
      settled = true;
      reject(fail(new ReplyTimeoutError(timeoutMs)));
    };
    const timer = setTimeout(() => setImmediate(verdict), timeoutMs);
    reply.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          resolve(read(value));
        } catch (error) {
          reject(error);
        }
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(fail(error));
      },
    );
  });
