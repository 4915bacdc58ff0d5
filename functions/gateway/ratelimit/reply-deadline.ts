import { setDeadline } from '../http/deadline-timer';

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
 * Why not ioredis `commandTimeout`: it is a plain timer, which on a saturated loop fires although
 * the reply is already in the socket (see `setDeadline`): a busy gateway then "times out" on a
 * healthy Redis, opens its circuit and fails open.
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
    const timer = setDeadline(timeoutMs, verdict);
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
