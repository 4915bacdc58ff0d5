import { EventEmitter } from 'node:events';
import type { Command } from 'ioredis';
import { RateLimiterError } from '../../../functions/gateway/ratelimit/rate-limiter';
import type { RedisClient } from '../../../functions/gateway/ratelimit/redis-client';
import { RedisTokenBucket } from '../../../functions/gateway/ratelimit/redis-token-bucket';

/**
 * The error paths of the Redis limiter, which a healthy Redis never takes: replies and failures are
 * scripted here. The script itself is tested against the real Redis (test/integration).
 */
class ScriptedClient extends EventEmitter {
  status = 'ready';
  sent: unknown[][] = [];
  answer: (...args: unknown[]) => Promise<unknown> = async () => [1, 3_000_000_000];

  /** `take` sends EVALSHA commands: the stub records the key and ARGV and settles the command. */
  sendCommand(command: Command): Promise<unknown> {
    const args = command.args.slice(2);
    this.sent.push(args);
    this.answer(...args).then(
      (reply) => command.resolve(reply),
      (error: unknown) => command.reject(error as Error),
    );
    return command.promise;
  }

  /** `takeAll` runs through ioredis `defineCommand`. */
  defineCommand(name: string): void {
    Object.assign(this, {
      [name]: (...args: unknown[]) => {
        this.sent.push(args);
        return this.answer(...args);
      },
    });
  }
}

const spec = { capacity: 10, refillPerSecond: 1, cost: 3 };

const setup = () => {
  const client = new ScriptedClient();
  // The limiter uses only status, events and the defined command, which the stub provides.
  const limiter = new RedisTokenBucket(client as unknown as RedisClient, {
    replyTimeoutMs: 50,
    readyWaitMs: 50,
  });
  return { client, limiter };
};

const failureOf = async (promise: Promise<unknown>): Promise<string> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RateLimiterError);
  return (error as RateLimiterError).failure;
};

describe('RedisTokenBucket', () => {
  it('sends the bucket as tolerance and increment in microseconds', async () => {
    const { client, limiter } = setup();

    const decision = await limiter.take('rl:k', spec);

    expect(client.sent).toEqual([['rl:k', '10000000', '3000000']]);
    expect(decision).toEqual({ allowed: true, remaining: 7, resetMs: 3000, retryAfterMs: 0 });
  });

  it.each([
    ['a reply of the wrong length', [1]],
    ['a non-integer', [1, 'x']],
    ['an unknown verdict', [2, 0]],
    ['no array at all', 'OK'],
  ])('rejects %s as bad_reply', async (_what, reply) => {
    const { client, limiter } = setup();
    client.answer = async () => reply;

    expect(await failureOf(limiter.take('rl:k', spec))).toBe('bad_reply');
  });

  it.each([
    ['Command timed out', 'timeout'],
    ["Stream isn't writeable and enableOfflineQueue options is false", 'unavailable'],
    ['connect ECONNREFUSED 127.0.0.1:6379', 'unavailable'],
    ['ERR Error running script', 'error'],
  ])('classifies "%s" as %s', async (message, failure) => {
    const { client, limiter } = setup();
    client.answer = () => Promise.reject(new Error(message));

    expect(await failureOf(limiter.take('rl:k', spec))).toBe(failure);
  });

  it('classifies a command that throws before sending', async () => {
    const { client, limiter } = setup();
    client.answer = () => {
      throw new Error('Connection is closed.');
    };

    expect(await failureOf(limiter.take('rl:k', spec))).toBe('unavailable');
  });

  it('rejects (does not throw) a bucket it cannot express, without sending anything', async () => {
    const { client, limiter } = setup();

    const pending = limiter.take('rl:k', { capacity: 1e9, refillPerSecond: 1e-9, cost: 1 });

    expect(await failureOf(pending)).toBe('error');
    expect(client.sent).toEqual([]);
  });

  it('waits for a first connection that becomes ready in time', async () => {
    const { client, limiter } = setup();
    client.status = 'connecting';
    setTimeout(() => {
      client.status = 'ready';
      client.emit('ready');
    }, 5);

    expect((await limiter.take('rl:k', spec)).allowed).toBe(true);
  });

  it('gives up on a first connection that takes too long', async () => {
    const { client, limiter } = setup();
    client.status = 'connecting';

    expect(await failureOf(limiter.take('rl:k', spec))).toBe('timeout');
    expect(client.sent).toEqual([]);
  });

  it('fails at once when the connection has ended', async () => {
    const { client, limiter } = setup();
    client.status = 'end';

    expect(await failureOf(limiter.take('rl:k', spec))).toBe('unavailable');
    expect(client.sent).toEqual([]);
  });

  it('fails at once between reconnection attempts', async () => {
    const { client, limiter } = setup();
    client.status = 'reconnecting';

    expect(await failureOf(limiter.take('rl:k', spec))).toBe('unavailable');
    expect(client.sent).toEqual([]);
  });

  it('fails as unavailable as soon as a connection attempt fails, without waiting it out', async () => {
    const { client, limiter } = setup();
    client.status = 'connecting';
    setTimeout(() => {
      client.status = 'reconnecting';
      client.emit('close');
    }, 5);

    const started = performance.now();
    const failure = await failureOf(limiter.take('rl:k', spec));

    expect(failure).toBe('unavailable');
    // The ready wait is 50 ms here; a refused attempt ends it early.
    expect(performance.now() - started).toBeLessThan(45);
    expect(client.listenerCount('ready') + client.listenerCount('close')).toBe(0);
  });

  it('times out a command Redis does not answer, by its own deadline', async () => {
    const { client, limiter } = setup();
    client.answer = () => new Promise(() => undefined);

    const started = performance.now();
    const failure = await failureOf(limiter.take('rl:k', spec));

    expect(failure).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('takes a reply that comes before the deadline, and leaves no timer behind', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const { client, limiter } = setup();
      client.answer = () => Promise.resolve([1, 3_000_000_000]);

      const decision = await limiter.take('rl:k', spec);
      // The answered command's timer is kept for the next take; when it fires it finds nothing
      // pending and stops.
      jest.advanceTimersByTime(50);
      await new Promise((resolve) => setImmediate(resolve));

      expect(decision.allowed).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('times out each unanswered command by its own send time, timers reused or not', async () => {
    const { client, limiter } = setup();
    await limiter.take('rl:k', spec); // leaves a timer to reuse
    client.answer = () => new Promise(() => undefined);

    const first = failureOf(limiter.take('rl:k', spec));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = limiter.take('rl:k', spec).then(
      () => 'answered',
      () => 'failed',
    );
    const firstFailure = await first;
    // The first command's deadline (50 ms) has passed; the second, sent 30 ms later, is pending.
    const early = await Promise.race([
      second,
      new Promise((resolve) => setTimeout(() => resolve('pending'), 5)),
    ]);

    expect(firstFailure).toBe('timeout');
    expect(early).toBe('pending');
    expect(await second).toBe('failed');
  });
});
