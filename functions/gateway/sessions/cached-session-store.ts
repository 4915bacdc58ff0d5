import { LRUCache } from 'lru-cache';
import type { SessionStore } from './session-store';
import type { SessionRecord } from './session-types';

export interface SessionCacheOptions {
  /** How long a looked-up session is trusted without asking the store again. 0 turns caching off. */
  readonly ttlMs: number;
  readonly maxEntries: number;
}

/**
 * A bounded cache in front of a store, so a warm container does no DynamoDB call for a session it
 * saw within `ttlMs`. That TTL is also how long a revocation can take to bite, so keep it short.
 * Only found sessions are cached: an unknown id has already cost the client a valid signature.
 */
export class CachedSessionStore implements SessionStore {
  readonly #store: SessionStore;
  readonly #cache: LRUCache<string, SessionRecord> | undefined;

  constructor(store: SessionStore, options: SessionCacheOptions) {
    this.#store = store;
    this.#cache =
      options.ttlMs > 0 && options.maxEntries > 0
        ? new LRUCache({ max: options.maxEntries, ttl: options.ttlMs, ttlAutopurge: false })
        : undefined;
  }

  async get(sessionId: string): Promise<SessionRecord | undefined> {
    const cached = this.#cache?.get(sessionId);
    if (cached) return cached;
    const record = await this.#store.get(sessionId);
    if (record) this.#cache?.set(sessionId, record);
    return record;
  }
}
