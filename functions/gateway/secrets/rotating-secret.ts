/**
 * A secret's current value, read again once it is older than `maxAgeMs`, so a rotation reaches a
 * running container within that age. `refresh()` is cheap while the value is fresh (no promise, no
 * call): the gateway calls it before each request and awaits it only when a read is due, so the
 * request that finds the value stale is served with the new one. A read that fails, or a value that
 * `parse` refuses, keeps the last good value (reported through `onError`) until the next age.
 */
export class RotatingSecret<T> {
  #value: T;
  #readAt: number;
  #reading: Promise<void> | undefined;
  readonly #read: () => Promise<string>;
  readonly #parse: (text: string) => T;
  readonly #maxAgeMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;

  constructor(options: {
    readonly initial: T;
    readonly read: () => Promise<string>;
    readonly parse: (text: string) => T;
    readonly maxAgeMs: number;
    readonly onError: (error: unknown) => void;
    readonly now?: () => number;
  }) {
    this.#value = options.initial;
    this.#read = options.read;
    this.#parse = options.parse;
    this.#maxAgeMs = options.maxAgeMs;
    this.#onError = options.onError;
    this.#now = options.now ?? Date.now;
    this.#readAt = this.#now();
  }

  get value(): T {
    return this.#value;
  }

  /** Undefined while the value is fresh; else the (one, shared) read under way. Never rejects. */
  refresh(): Promise<void> | undefined {
    if (this.#reading) return this.#reading;
    if (this.#now() - this.#readAt < this.#maxAgeMs) return undefined;
    this.#reading = this.#read()
      .then((text) => {
        this.#value = this.#parse(text);
      })
      .catch((error: unknown) => {
        this.#onError(error);
      })
      .finally(() => {
        this.#readAt = this.#now();
        this.#reading = undefined;
      });
    return this.#reading;
  }
}
