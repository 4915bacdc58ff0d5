import { setTimeout as sleep } from 'node:timers/promises';
import { CachedSessionStore } from '../../../functions/gateway/sessions/cached-session-store';
import { memorySessionStore } from '../../helpers/memory-session-store';

const record = {
  sessionId: 'sid-0123456789abcdef',
  userId: 'u',
  roles: [],
  permissions: [],
  createdAt: 0,
  expiresAt: 9999999999,
  revoked: false,
};

describe('Sessions: CachedSessionStore', () => {
  it('answers a known session from memory within the TTL', async () => {
    const store = memorySessionStore();
    store.records.set(record.sessionId, record);
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });

    for (let i = 0; i < 5; i += 1) await cached.get(record.sessionId);

    expect(store.lookups).toBe(1);
  });

  it('asks the store again after the TTL, so a revocation bites', async () => {
    const store = memorySessionStore();
    store.records.set(record.sessionId, record);
    const cached = new CachedSessionStore(store, { ttlMs: 30, maxEntries: 10 });
    await cached.get(record.sessionId);
    store.records.set(record.sessionId, { ...record, revoked: true });

    await sleep(60);
    const after = await cached.get(record.sessionId);

    expect(after?.revoked).toBe(true);
    expect(store.lookups).toBe(2);
  });

  it('does not cache a miss', async () => {
    const store = memorySessionStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });

    await cached.get('missing');
    await cached.get('missing');

    expect(store.lookups).toBe(2);
  });

  it('holds at most maxEntries sessions', async () => {
    const store = memorySessionStore();
    for (const id of ['a', 'b', 'c']) store.records.set(id, { ...record, sessionId: id });
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 2 });

    await cached.get('a');
    await cached.get('b');
    await cached.get('c');
    await cached.get('a');

    expect(store.lookups).toBe(4);
  });

  it('passes every lookup through when the TTL is 0', async () => {
    const store = memorySessionStore();
    store.records.set(record.sessionId, record);
    const cached = new CachedSessionStore(store, { ttlMs: 0, maxEntries: 10 });

    await cached.get(record.sessionId);
    await cached.get(record.sessionId);

    expect(store.lookups).toBe(2);
  });
});
