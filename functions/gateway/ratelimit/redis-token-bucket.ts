import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import { type BucketShape, bucketShape, decisionFromAhead } from './bucket-shape';
import {
  type BucketSpec,
  type BucketTake,
  type MultiRateDecision,
  type RateDecision,
  type RateLimiter,
  RateLimiterError,
} from './rate-limiter';
import { type RedisClient, RedisNotReadyError, whenReady } from './redis-client';
import { ReplyTimeoutError, replyWithin } from './reply-deadline';
import { ReplyTimers } from './reply-timers';
import tokenBucketLua from './token-bucket.lua';
import tokenBucketsLua from './token-buckets.lua';

/** How this store names itself in errors, logs and metrics. */
const REDIS = 'redis';
const MULTI_COMMAND = 'gatewayTokenBuckets';
/** Without a fixed key count: ioredis then takes the number of keys as the first argument. */
type TokenBucketsCommand = (numberOfKeys: number, ...keysThenArgs: string[]) => Promise<unknown>;

const classify = (error: unknown): RateLimiterError => {
  if (error instanceof ReplyTimeoutError)
    return new RateLimiterError(REDIS, 'timeout', { cause: error });
  if (error instanceof RedisNotReadyError) {
    return new RateLimiterError(REDIS, error.reason, { cause: error });
  }
  // ioredis' own errors carry no code for these: "Stream isn't writeable ...", "Connection is closed."
  const message = error instanceof Error ? error.message : '';
  if (/timed out/i.test(message)) return new RateLimiterError(REDIS, 'timeout', { cause: error });
  if (/writeable|connection is|ECONNREFUSED|ECONNRESET|ready/i.test(message)) {
    return new RateLimiterError(REDIS, 'unavailable', { cause: error });
  }
  return new RateLimiterError(REDIS, 'error', { cause: error });
};

const rejectClassified = (error: unknown): never => {
  throw classify(error);
};

/** The decision in the script's reply, `[allowed 0|1, ahead in nanoseconds]`; throws on any other reply. */
const decisionOf = (shape: BucketShape, reply: unknown): RateDecision => {
  if (Array.isArray(reply) && reply.length === 2) {
    const allowed: unknown = reply[0];
    const aheadNs: unknown = reply[1];
    if ((allowed === 0 || allowed === 1) && Number.isInteger(aheadNs)) {
      return decisionFromAhead(shape, allowed === 1, (aheadNs as number) / 1000);
    }
  }
  throw new RateLimiterError(REDIS, 'bad_reply', {
    cause: new Error(`unexpected reply ${JSON.stringify(reply)}`),
  });
};

/** Sockets on which `token-bucket.lua` went out in full (by EVAL) at least once. */
const scriptSent = new WeakSet<object>();

/**
 * The take's EVALSHA, sent as EVAL with the script's text the first time on each connection, as
 * ioredis' `defineCommand` does: a fresh Redis (or a new node) then needs no NOSCRIPT round trip.
 */
class TokenBucketCommand extends Command {
  override toWritable(socket: object): string | Buffer {
    if (!scriptSent.has(socket)) {
      scriptSent.add(socket);
      this.name = 'eval';
      this.args[0] = tokenBucketLua;
    }
    return super.toWritable(socket);
  }
}

/** Redis has no script of that SHA1 (restarted, failed over, or SCRIPT FLUSH). */
const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

/** `token-buckets.lua`'s reply for `count` buckets, or `undefined` if it is not that. */
const parseMultiReply = (
  reply: unknown,
  count: number,
): { passed: boolean; buckets: [boolean, number][] } | undefined => {
  if (!Array.isArray(reply) || reply.length !== 1 + 2 * count) return undefined;
  const values = reply as unknown[];
  if (values[0] !== 0 && values[0] !== 1) return undefined;
  const buckets: [boolean, number][] = [];
  for (let i = 0; i < count; i += 1) {
    const fits = values[1 + 2 * i];
    const aheadNs = values[2 + 2 * i];
    if ((fits !== 0 && fits !== 1) || !Number.isInteger(aheadNs)) return undefined;
    buckets.push([fits === 1, aheadNs as number]);
  }
  return { passed: values[0] === 1, buckets };
};

export interface RedisTokenBucketOptions {
  /**
   * How long Redis has to answer, from when the command was sent (see `replyWithin`).
   * @default 50
   */
  readonly replyTimeoutMs?: number;
  /** How long a request may wait for a connection attempt under way (cold start). @default 200 */
  readonly readyWaitMs?: number;
}

/**
 * `RateLimiter` on Redis: each take is one EVALSHA of `token-bucket.lua` (one round trip), sent as
 * an ioredis `Command` of our own: EVAL with the script the first time on each connection, and
 * again when Redis answers NOSCRIPT (SCRIPT FLUSH, a failover to a replica without it). Works with a standalone client and with a Cluster (one key per call, hash-tagged by
 * the caller). `takeAll` runs `token-buckets.lua` through ioredis `defineCommand`.
 *
 * `take` chains promises instead of awaiting: this sits on every request's path, and each `async`
 * layer costs a promise and a microtask turn (bench/ratelimit.ts measures the whole take). For the
 * same reason it does not use `defineCommand`, whose every call adds a `.catch` promise, a closure
 * and a WeakSet lookup, nor `replyWithin`'s promise: the reply deadline rejects the ioredis
 * command's own promise (as ioredis' `commandTimeout` does), and the decision is read in the one
 * `then` that follows it (docs/rate-limiting.md has the measurements).
 */
export class RedisTokenBucket implements RateLimiter {
  readonly dependency = REDIS;
  readonly #sha: string;
  readonly #runAll: TokenBucketsCommand;
  readonly #client: RedisClient;
  readonly #replyTimeoutMs: number;
  readonly #readyWaitMs: number;
  readonly #timers: ReplyTimers;

  constructor(client: RedisClient, options: RedisTokenBucketOptions = {}) {
    this.#client = client;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 50;
    this.#readyWaitMs = options.readyWaitMs ?? 200;
    this.#timers = new ReplyTimers(this.#replyTimeoutMs);
    this.#sha = createHash('sha1').update(tokenBucketLua).digest('hex');
    client.defineCommand(MULTI_COMMAND, { lua: tokenBucketsLua });
    const multi = (client as unknown as Record<string, TokenBucketsCommand | undefined>)[
      MULTI_COMMAND
    ];
    if (!multi) throw new Error('ioredis did not define the token buckets command');
    this.#runAll = multi.bind(client);
  }

  takeAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    if (this.#client.status !== 'ready') {
      return whenReady(this.#client, this.#readyWaitMs).then(
        () => this.#sendAll(takes),
        rejectClassified,
      );
    }
    return this.#sendAll(takes);
  }

  #sendAll(takes: readonly BucketTake[]): Promise<MultiRateDecision> {
    let shapes: BucketShape[];
    let pending: Promise<unknown>;
    try {
      shapes = takes.map((take) => bucketShape(take.bucket));
      const args: string[] = takes.map((take) => take.key);
      shapes.forEach((shape, i) => {
        args.push(shape.scriptArgs[0], shape.scriptArgs[1], takes[i]?.shadow ? '1' : '0');
      });
      pending = this.#runAll(takes.length, ...args);
    } catch (error) {
      return Promise.reject(classify(error));
    }
    return replyWithin(
      pending,
      this.#replyTimeoutMs,
      (reply) => {
        const parsed = parseMultiReply(reply, takes.length);
        if (!parsed) {
          throw new RateLimiterError(REDIS, 'bad_reply', {
            cause: new Error(`unexpected reply ${JSON.stringify(reply)}`),
          });
        }
        return {
          allowed: parsed.passed,
          decisions: parsed.buckets.map(([fits, aheadNs], i) =>
            decisionFromAhead(shapes[i] as BucketShape, fits, aheadNs / 1000),
          ),
        };
      },
      classify,
    );
  }

  take(key: string, bucket: BucketSpec): Promise<RateDecision> {
    if (this.#client.status !== 'ready') {
      return whenReady(this.#client, this.#readyWaitMs).then(
        () => this.#send(key, bucket),
        rejectClassified,
      );
    }
    return this.#send(key, bucket);
  }

  #send(key: string, bucket: BucketSpec): Promise<RateDecision> {
    let shape: BucketShape;
    let command: Command;
    try {
      shape = bucketShape(bucket);
      const [tolerance, increment] = shape.scriptArgs;
      command = new TokenBucketCommand('evalsha', [this.#sha, '1', key, tolerance, increment]);
      this.#client.sendCommand(command);
    } catch (error) {
      return Promise.reject(classify(error));
    }
    return this.#decide(command, shape, key);
  }

  /**
   * The decision in `command`'s reply, or its failure classified; a command still unanswered
   * `replyTimeoutMs` after sending is rejected as a timeout (`ReplyTimers`).
   */
  #decide(command: Command, shape: BucketShape, key: string | undefined): Promise<RateDecision> {
    const watch = this.#timers.start(command);
    return command.promise.then(
      (reply) => {
        this.#timers.stop(watch);
        return decisionOf(shape, reply);
      },
      (error: unknown) => {
        this.#timers.stop(watch);
        // The script text goes once, then Redis has it again for every container.
        if (key !== undefined && isNoScript(error)) return this.#eval(key, shape);
        throw classify(error);
      },
    );
  }

  #eval(key: string, shape: BucketShape): Promise<RateDecision> {
    const [tolerance, increment] = shape.scriptArgs;
    const command = new Command('eval', [tokenBucketLua, '1', key, tolerance, increment]);
    try {
      this.#client.sendCommand(command);
    } catch (error) {
      return Promise.reject(classify(error));
    }
    return this.#decide(command, shape, undefined);
  }
}
