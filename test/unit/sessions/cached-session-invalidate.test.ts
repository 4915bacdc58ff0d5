import { CachedSessionStore } from '../../../functions/gateway/sessions/cached-session-store';
import type { SessionRecord } from '../../../functions/gateway/sessions/session-types';

const live: SessionRecord = {
  sessionId: 'sid-invalidate-0123456789',
  userId: 'alice',
  roles: [],
  permissions: [],
  createdAt: 0,
  expiresAt: 9_999_999_999,
  revoked: false,
};

/** A store that answers with whatever the table holds at the moment of each lookup. */
const table = () => {
  let current: SessionRecord | undefined = live;
  let calls = 0;
  let hold: Promise<void> = Promise.resolve();
  return {
    calls: () => calls,
    revoke: () => {
      current = { ...live, revoked: true };
    },
    holdNext: () => {
      let release = (): void => undefined;
      hold = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
    get: async (): Promise<SessionRecord | undefined> => {
      calls += 1;
      const answer = current;
      await hold;
      return answer;
    },
  };
};

describe('Sessions: invalidating the cache at logout', () => {
  it('serves the revoked record on the next lookup, not the cached live one', async () => {
    const store = table();
    const cache = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });
    expect(await cache.get(live.sessionId)).toMatchObject({ revoked: false });

    store.revoke();
    cache.invalidate(live.sessionId);

    expect(await cache.get(live.sessionId)).toMatchObject({ revoked: true });
    expect(store.calls()).toBe(2);
  });

  it('does not cache what a lookup under way read before the revocation', async () => {
    const store = table();
    const cache = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });
    const release = store.holdNext();
    const before = cache.get(live.sessionId);

    store.revoke();
    cache.invalidate(live.sessionId);
    release();

    expect(await before).toMatchObject({ revoked: false });
    expect(await cache.get(live.sessionId)).toMatchObject({ revoked: true });
  });
});
