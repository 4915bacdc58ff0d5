/**
 * Settles with the promise or rejects with the signal's reason when it aborts, whichever is first,
 * for work that may not honour the signal itself. undici does not abort a connection still being
 * opened (and times connects out on a coarse clock); a readiness check may ignore its signal.
 */
export const withDeadline = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> => {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
};
