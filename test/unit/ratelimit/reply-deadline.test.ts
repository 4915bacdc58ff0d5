import { stat } from 'node:fs/promises';
import {
  ReplyTimeoutError,
  replyWithin,
} from '../../../functions/gateway/ratelimit/reply-deadline';

/** Holds the thread: timers fall due meanwhile, and I/O completes without being read. */
const busyWait = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spinning on purpose
  }
};

const same = <T>(value: T): T => value;
const never = new Promise<never>(() => undefined);
const outcome = <T>(promise: Promise<T>): Promise<T | unknown> =>
  promise.then(same, (error: unknown) => error);

describe('replyWithin', () => {
  it('settles with what `read` makes of a reply in time', async () => {
    await expect(replyWithin(Promise.resolve('OK'), 50, (s) => s.length, same)).resolves.toBe(2);
  });

  it('passes a failed reply through `fail`, and an error thrown by `read` as it is', async () => {
    const wrapped = new Error('wrapped');
    const unreadable = new Error('unreadable');

    const failed = replyWithin(Promise.reject(new Error('ERR')), 50, same, () => wrapped);
    const misread = replyWithin(
      Promise.resolve('x'),
      50,
      () => {
        throw unreadable;
      },
      () => wrapped,
    );

    await expect(failed).rejects.toBe(wrapped);
    await expect(misread).rejects.toBe(unreadable);
  });

  it('fails a command without a reply with ReplyTimeoutError, through `fail`', async () => {
    const started = performance.now();

    const error = await outcome(replyWithin(never, 20, same, same));

    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect((error as Error).message).toBe('Redis did not answer within 20 ms');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('leaves no timer behind once the reply is in', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const result = await replyWithin(Promise.resolve('OK'), 50, same, same);

      expect(result).toBe('OK');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes a reply that completed while the loop was blocked past the deadline', async () => {
    // prepare: I/O whose completion is read in the poll phase (one thread-pool stat), issued
    // from the check phase, then a block well past the deadline: the timer is due before the
    // poll phase that delivers the reply, as on a saturated gateway.
    const result = await new Promise<unknown>((resolve) => {
      setImmediate(() => {
        const pending = replyWithin(stat(__filename), 10, (stats) => stats.isFile(), same);
        busyWait(150);
        resolve(outcome(pending));
      });
    });

    expect(result).toBe(true);
  });
});
