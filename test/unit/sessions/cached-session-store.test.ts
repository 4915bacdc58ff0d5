import { setTimeout as sleep } from 'node:timers/promises';
import { CachedSessionStore } from '../../../functions/gateway/sessions/cached-session-store';
import { SessionStoreError } from '../../../functions/gateway/sessions/session-store';
import type { SessionRecord } from '../../../functions/gateway/sessions/session-types';
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

/** A store whose lookups wait until the test settles them (all pending ones at once). */
const deferredStore = () => {
  let pending: { resolve: (r: SessionRecord | undefined) => void; reject: (e: Error) => void }[] =
    [];
  const take = () => {
    const now = pending;
    pending = [];
    return now;
  };
  return {
    calls: 0,
    get(this: { calls: number }): Promise<SessionRecord | undefined> {
      this.calls += 1;
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    settle: (answer: SessionRecord | undefined) => {
      for (const p of take()) p.resolve(answer);
    },
    fail: (error: Error) => {
      for (const p of take()) p.reject(error);
    },
  };
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

  it('remembers an unknown session, so a dead cookie costs one lookup, not one per request', async () => {
    const store = memorySessionStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });

    for (let i = 0; i < 20; i += 1) await expect(cached.get('missing')).resolves.toBeUndefined();

    expect(store.lookups).toBe(1);
  });

  it('forgets an unknown session after the short unknown TTL, so a late-visible session is found', async () => {
    const store = memorySessionStore();
    const cached = new CachedSessionStore(store, {
      ttlMs: 60_000,
      maxEntries: 10,
      unknownTtlMs: 30,
    });
    await cached.get(record.sessionId);
    store.records.set(record.sessionId, record);

    await sleep(60);

    await expect(cached.get(record.sessionId)).resolves.toEqual(record);
    expect(store.lookups).toBe(2);
  });

  it('keeps unknown sessions for at most one second by default, and never longer than the TTL', () => {
    const store = memorySessionStore();

    expect(new CachedSessionStore(store, { ttlMs: 5_000, maxEntries: 1 }).unknownTtlMs).toBe(1_000);
    expect(new CachedSessionStore(store, { ttlMs: 200, maxEntries: 1 }).unknownTtlMs).toBe(200);
  });

  it('holds at most maxEntries unknown ids, and they never push out known sessions', async () => {
    const store = memorySessionStore();
    store.records.set(record.sessionId, record);
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 2 });
    await cached.get(record.sessionId);

    for (const id of ['u1', 'u2', 'u3']) await cached.get(id);
    await cached.get('u1');
    await cached.get(record.sessionId);

    // u1 was pushed out by u3 (two unknown ids at most); the known session stayed.
    expect(store.lookups).toBe(5);
  });

  it('merges concurrent lookups of one id into one store call', async () => {
    const store = deferredStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });

    const answers = Array.from({ length: 200 }, () => cached.get(record.sessionId));
    store.settle(record);

    await expect(Promise.all(answers)).resolves.toEqual(Array(200).fill(record));
    expect(store.calls).toBe(1);
  });

  it('merges concurrent lookups with the cache off too', async () => {
    const store = deferredStore();
    const cached = new CachedSessionStore(store, { ttlMs: 0, maxEntries: 10 });

    const answers = Array.from({ length: 50 }, () => cached.get(record.sessionId));
    store.settle(record);
    await Promise.all(answers);
    const later = cached.get(record.sessionId);
    store.settle(record);
    await later;

    expect(store.calls).toBe(2);
  });

  it('shares a failure with every merged caller, and does not cache it', async () => {
    const store = deferredStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });
    const failure = new SessionStoreError('dynamodb', 'timeout');

    const answers = Array.from({ length: 20 }, () => cached.get(record.sessionId));
    store.fail(failure);
    const settled = await Promise.allSettled(answers);
    const retry = cached.get(record.sessionId);
    store.settle(record);

    expect(settled.every((s) => s.status === 'rejected' && s.reason === failure)).toBe(true);
    await expect(retry).resolves.toEqual(record);
    expect(store.calls).toBe(2);
  });

  it('does not merge lookups of different ids', async () => {
    const store = deferredStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 10 });

    const a = cached.get('id-a');
    const b = cached.get('id-b');
    store.settle(undefined);
    await Promise.all([a, b]);

    expect(store.calls).toBe(2);
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
