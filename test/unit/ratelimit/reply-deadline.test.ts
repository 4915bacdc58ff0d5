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

describe('replyWithin', () => {
  it('settles with the reply when it comes in time', async () => {
    await expect(replyWithin(Promise.resolve('OK'), 50)).resolves.toBe('OK');
  });

  it('passes a failed reply on as it is', async () => {
    const failure = new Error('ERR something');

    await expect(replyWithin(Promise.reject(failure), 50)).rejects.toBe(failure);
  });

  it('rejects with ReplyTimeoutError when no reply comes', async () => {
    const started = performance.now();

    const error = await replyWithin(new Promise(() => undefined), 20).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect((error as Error).message).toBe('Redis did not answer within 20 ms');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('takes a reply that completed while the loop was blocked past the deadline', async () => {
    // prepare: I/O whose completion is read in the poll phase (one thread-pool stat), issued
    // from the check phase, then a block well past the deadline: the timer is due before the
    // poll phase that delivers the reply, as on a saturated gateway.
    const outcome = await new Promise<unknown>((resolve) => {
      setImmediate(() => {
        const pending = replyWithin(stat(__filename), 10);
        busyWait(150);
        pending.then(
          (stats) => resolve(stats.isFile()),
          (error: unknown) => resolve(error),
        );
      });
    });

    expect(outcome).toBe(true);
  });
});
