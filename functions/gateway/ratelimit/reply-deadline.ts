/** Redis did not answer a command within the deadline. */
export class ReplyTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
    this.name = 'ReplyTimeoutError';
  }
}

/**
 * Settles as `reply` does, unless Redis has not answered `timeoutMs` after the command was sent:
 * then rejects with `ReplyTimeoutError`. Call it right after sending.
 *
 * Why not ioredis `commandTimeout`: a timer fires in the event loop's timers phase, which comes
 * before the poll phase that reads sockets. On a loop saturated by other requests the timer is
 * long overdue by the time the loop comes round, and fires although the reply has been waiting in
 * the socket for most of that time: a busy gateway then "times out" on a healthy Redis, opens its
 * circuit and fails open. Here the timer only schedules the verdict with `setImmediate`, which runs
 * after the next poll phase: a reply already received is read first and wins. So a timeout means
 * that a poll phase starting at least `timeoutMs` after the send found no reply; event-loop lag
 * can delay the verdict, but never turns an answer into a timeout, and needs no allowance of its own.
 */
export const replyWithin = <T>(reply: Promise<T>, timeoutMs: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let settled = false;
    const verdict = (): void => {
      if (settled) return;
      settled = true;
      reject(new ReplyTimeoutError(timeoutMs));
    };
    const timer = setTimeout(() => setImmediate(verdict), timeoutMs);
    reply.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
