import type { SessionStore } from '../../functions/gateway/sessions/session-store';
import type { SessionRecord } from '../../functions/gateway/sessions/session-types';

/** A SessionStore over a Map that counts lookups; `failWith` makes every lookup throw. */
export const memorySessionStore = () => {
  const records = new Map<string, SessionRecord>();
  const store = {
    records,
    lookups: 0,
    failWith: undefined as Error | undefined,
    async get(sessionId: string): Promise<SessionRecord | undefined> {
      store.lookups += 1;
      if (store.failWith) throw store.failWith;
      return records.get(sessionId);
    },
  } satisfies SessionStore & Record<string, unknown>;
  return store;
};
