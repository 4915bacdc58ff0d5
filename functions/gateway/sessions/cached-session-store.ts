import { LRUCache } from 'lru-cache';
import type { SessionStore } from './session-store';
import type { SessionRecord } from './session-types';

/**
 * How long "no such session" is trusted at most. Short, because a GetItem is eventually consistent:
 * a read racing the PutItem of a session created a moment ago can miss it, and that client should
 * not be refused for long.
 */
const MAX_UNKNOWN_TTL_MS = 1_000;

export interface SessionCacheOptions {
  /** How long a looked-up session is trusted without asking the store again. 0 turns caching off. */
  readonly ttlMs: number;
  /** Bounds the known sessions and, separately, the unknown ids. */
  readonly maxEntries: number;
  /** How long an id the store does not know is remembered. @default min(ttlMs, 1000) */
  readonly unknownTtlMs?: number;
}

/** Held for an id the store answered "not found" for (the LRU cannot hold `undefined`). */
const UNKNOWN = true;

/**
 * A bounded cache in front of a store, so a warm container does no DynamoDB call for a session it
 * saw within `ttlMs`. That TTL is also how long a revocation can take to bite, so keep it short.
 *
 * Concurrent lookups of one id share one store call (single flight): when an entry expires under
 * load, the store sees one GetItem, not one per request in flight. A failure is shared by the callers
 * waiting on it and never cached. Unknown ids are remembered for `unknownTtlMs` in their own bounded
 * cache, so a dead cookie (a session TTL-deleted from the table) costs one lookup per id and period,
 * not one per request, and a flood of them cannot push live sessions out.
 */
export class CachedSessionStore implements SessionStore {
  readonly #store: SessionStore;
  readonly #known: LRUCache<string, SessionRecord> | undefined;
  readonly #unknown: LRUCache<string, typeof UNKNOWN> | undefined;
  readonly #inFlight = new Map<string, Promise<SessionRecord | undefined>>();
  readonly unknownTtlMs: number;

  constructor(store: SessionStore, options: SessionCacheOptions) {
    this.#store = store;
    const caching = options.ttlMs > 0 && options.maxEntries > 0;
    this.unknownTtlMs = caching
      ? (options.unknownTtlMs ?? Math.min(options.ttlMs, MAX_UNKNOWN_TTL_MS))
      : 0;
    this.#known = caching
      ? new LRUCache({ max: options.maxEntries, ttl: options.ttlMs, ttlAutopurge: false })
      : undefined;
    this.#unknown =
      caching && this.unknownTtlMs > 0
        ? new LRUCache({ max: options.maxEntries, ttl: this.unknownTtlMs, ttlAutopurge: false })
        : undefined;
  }

  /** This container's logout sees its revocation at once; other containers within `ttlMs`. */
  invalidate(sessionId: string): void {
    this.#known?.delete(sessionId);
    this.#unknown?.delete(sessionId);
    // A lookup under way may have read the record before the revocation: it is not cached.
    this.#inFlight.delete(sessionId);
  }

  get(sessionId: string): Promise<SessionRecord | undefined> {
    const cached = this.#known?.get(sessionId);
    if (cached) return Promise.resolve(cached);
    if (this.#unknown?.get(sessionId)) return Promise.resolve(undefined);
    const inFlight = this.#inFlight.get(sessionId);
    if (inFlight) return inFlight;

    // Only the lookup still registered (not one an invalidation dropped) fills the cache.
    const current = (): boolean => this.#inFlight.get(sessionId) === lookup;
    const lookup: Promise<SessionRecord | undefined> = this.#store.get(sessionId).then(
      (record) => {
        if (!current()) return record;
        this.#inFlight.delete(sessionId);
        if (record) this.#known?.set(sessionId, record);
        else this.#unknown?.set(sessionId, UNKNOWN);
        return record;
      },
      (error: unknown) => {
        if (current()) this.#inFlight.delete(sessionId);
        throw error;
      },
    );
    this.#inFlight.set(sessionId, lookup);
    return lookup;
  }
}
