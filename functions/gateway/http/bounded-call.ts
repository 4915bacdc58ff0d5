import { setDeadline } from './deadline-timer';

/** A bounded call was abandoned: it had not settled when its deadline passed. */
export class DeadlineExceededError extends Error {
  constructor(timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms`);
    // The name AbortSignal.timeout() and the AWS SDK give a timeout, so every classifier agrees.
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `call` with a deadline the gateway enforces itself: the returned promise settles within
 * `timeoutMs` (or when `signal` aborts, with its reason) whatever `call` does, and the signal handed
 * to `call` is aborted then, so the AWS SDK drops the socket and starts no further attempt.
 *
 * The deadline is `setDeadline`'s: an answer already in the socket when it comes due still wins.
 *
 * @example
 * const output = await boundedCall((abortSignal) => client.send(command, { abortSignal }), 1000);
 */
export const boundedCall = <T>(
  call: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> => {
  if (signal?.aborted) return Promise.reject(signal.reason);
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
      return true;
    };
    const abandon = (reason: unknown): void => {
      if (!finish()) return;
      controller.abort(reason);
      reject(reason);
    };
    const onCallerAbort = (): void => abandon(signal?.reason);
    const timer = setDeadline(timeoutMs, () => abandon(new DeadlineExceededError(timeoutMs)));
    signal?.addEventListener('abort', onCallerAbort, { once: true });

    let pending: Promise<T>;
    try {
      pending = call(controller.signal);
    } catch (error) {
      if (finish()) reject(error);
      return;
    }
    pending.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        if (finish()) reject(error);
      },
    );
  });
};
