import { CachedSessionStore } from '../../../functions/gateway/sessions/cached-session-store';
import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { SessionStoreError } from '../../../functions/gateway/sessions/session-store';
import type { SessionRecord } from '../../../functions/gateway/sessions/session-types';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { memorySessionStore } from '../../helpers/memory-session-store';
import { configFrom, jsonBody, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const SECRET = 'unit-test-secret-unit-test-secret-unit-test';
const signer = new SessionSigner([SECRET]);
const nowSeconds = () => Math.floor(Date.now() / 1000);

const config = configFrom(`
routes:
  - { id: me, path: /me, methods: [GET], upstream: "http://svc" }
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://svc", permissions: [users:read] }
  - { id: admin, path: /admin, methods: [GET], upstream: "http://svc", permissions: [users:read, users:delete] }
  - { id: passthrough, path: /legacy, methods: [GET], upstream: "http://svc", forward_session_cookie: true }
  - { id: public, path: /public, methods: [GET], upstream: "http://svc", auth_required: false }
roles:
  reader: [users:read]
  root: ['*']
`);

const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  sessionId: SessionSigner.newSessionId(),
  userId: 'user-42',
  roles: [],
  permissions: [],
  createdAt: nowSeconds() - 60,
  expiresAt: nowSeconds() + 3600,
  revoked: false,
  ...overrides,
});

const setup = () => {
  const store = memorySessionStore();
  const upstream = recordingUpstream();
  const gateway = testGateway({ config, upstream, sessions: { signer, store } });
  const login = (overrides: Partial<SessionRecord> = {}): string => {
    const record = session(overrides);
    store.records.set(record.sessionId, record);
    return `session_token=${signer.sign(record.sessionId)}`;
  };
  return { store, upstream, gateway, login };
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: sessionValidation', () => {
  it('lets a valid session through and tells the upstream who the user is', async () => {
    const { gateway, upstream, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/me', cookies: [login({ roles: ['reader', 'ops'] })] }),
    );

    expect(result.statusCode).toBe(200);
    expect(upstream.requests[0]?.headers).toMatchObject({
      'x-user-id': 'user-42',
      'x-user-roles': 'reader,ops',
    });
  });

  it.each([
    ['no cookie', () => [] as string[], 'missing_cookie'],
    ['a malformed token', () => ['session_token=garbage'], 'malformed_token'],
    [
      'a forged signature',
      () => [`session_token=${SessionSigner.newSessionId()}.${'A'.repeat(43)}`],
      'bad_signature',
    ],
    [
      'a signature with its padding bits set (not the canonical encoding)',
      () => {
        const token = signer.sign(SessionSigner.newSessionId());
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(token.slice(-1));
        return [`session_token=${token.slice(0, -1)}${alphabet[last | 1]}`];
      },
      'malformed_token',
    ],
    [
      'an unknown session',
      () => [`session_token=${signer.sign(SessionSigner.newSessionId())}`],
      'unknown_session',
    ],
  ])('answers 401 for %s and logs why', async (_case, cookies, reason) => {
    const { gateway, upstream } = setup();

    const result = await gateway(functionUrlEvent({ path: '/me', cookies: cookies() }));

    expect(result.statusCode).toBe(401);
    expect(jsonBody(result)).toMatchObject({
      error: 'unauthenticated',
      message: 'A valid session is required',
    });
    expect(upstream.requests).toHaveLength(0);
    expect(output.json().find((line) => line.message === 'request')).toMatchObject({
      reason,
    });
  });

  it('answers 401 for an expired session, by the gateway clock', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/me', cookies: [login({ expiresAt: nowSeconds() - 1 })] }),
    );

    expect(result.statusCode).toBe(401);
    expect(output.json().find((line) => line.message === 'request')).toMatchObject({
      reason: 'expired',
    });
  });

  it('answers 401 for a revoked session', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/me', cookies: [login({ revoked: true })] }),
    );

    expect(result.statusCode).toBe(401);
    expect(output.json().find((line) => line.message === 'request')).toMatchObject({
      reason: 'revoked',
    });
  });

  it('fails closed with 503 when the store cannot answer, and logs the reason', async () => {
    const { gateway, store, login, upstream } = setup();
    const cookie = login();
    store.failWith = new SessionStoreError('dynamodb', 'throttled');

    const result = await gateway(functionUrlEvent({ path: '/me', cookies: [cookie] }));

    expect(result.statusCode).toBe(503);
    expect(jsonBody(result)).toMatchObject({
      error: 'unavailable',
      message: 'The service is temporarily unavailable',
    });
    expect(upstream.requests).toHaveLength(0);
    expect(output.json().find((line) => line.message === 'request failed')).toMatchObject({
      reason: 'dynamodb_throttled',
    });
  });

  it('answers 401, not 503, for a malformed session record', async () => {
    const { gateway, store, login } = setup();
    const cookie = login();
    store.failWith = new SessionStoreError('dynamodb', 'malformed_record');

    const result = await gateway(functionUrlEvent({ path: '/me', cookies: [cookie] }));

    expect(result.statusCode).toBe(401);
  });

  it('never logs the session token', async () => {
    const { gateway, login } = setup();
    const cookie = login({ revoked: true });

    await gateway(functionUrlEvent({ path: '/me', cookies: [cookie] }));

    const token = cookie.split('=')[1] ?? '';
    expect(output.text()).not.toContain(token);
    expect(output.text()).not.toContain(token.split('.')[0]);
  });

  it('puts the user id on the log lines of the request', async () => {
    const { gateway, login } = setup();

    await gateway(functionUrlEvent({ path: '/me', cookies: [login()] }));

    expect(output.json().find((line) => line.message === 'request')).toMatchObject({
      user_id: 'user-42',
    });
  });
});

describe('Middleware: sessionValidation with the session cache', () => {
  const cachedSetup = () => {
    const store = memorySessionStore();
    const cached = new CachedSessionStore(store, { ttlMs: 60_000, maxEntries: 100 });
    const gateway = testGateway({ config, sessions: { signer, store: cached } });
    return { store, gateway };
  };

  it('answers a signed cookie of an unknown session with 401 at the cost of one lookup', async () => {
    const { store, gateway } = cachedSetup();
    const cookie = `session_token=${signer.sign(SessionSigner.newSessionId())}`;

    const results = [];
    for (let i = 0; i < 25; i += 1) {
      results.push(await gateway(functionUrlEvent({ path: '/me', cookies: [cookie] })));
    }

    expect(results.every((result) => result.statusCode === 401)).toBe(true);
    expect(store.lookups).toBe(1);
  });

  it('sends one lookup for a burst of concurrent requests of one session', async () => {
    const { store, gateway } = cachedSetup();
    const record = session();
    store.records.set(record.sessionId, record);
    const cookie = `session_token=${signer.sign(record.sessionId)}`;

    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        gateway(functionUrlEvent({ path: '/me', cookies: [cookie] })),
      ),
    );

    expect(results.every((result) => result.statusCode === 200)).toBe(true);
    expect(store.lookups).toBe(1);
  });
});

describe('Middleware: authorize', () => {
  it('answers 403 when a required permission is missing', async () => {
    const { gateway, login, upstream } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/users/1', cookies: [login({ permissions: ['other'] })] }),
    );

    expect(result.statusCode).toBe(403);
    expect(jsonBody(result)).toMatchObject({ error: 'forbidden' });
    expect(upstream.requests).toHaveLength(0);
    expect(output.json().find((line) => line.message === 'permission denied')).toMatchObject({
      missing_permissions: ['users:read'],
    });
  });

  it('accepts a permission held directly', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/users/1', cookies: [login({ permissions: ['users:read'] })] }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('accepts a permission granted by a role in the config', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/users/1', cookies: [login({ roles: ['reader'] })] }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('needs every required permission', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/admin', cookies: [login({ roles: ['reader'] })] }),
    );

    expect(result.statusCode).toBe(403);
  });

  it('grants everything to a role with *', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/admin', cookies: [login({ roles: ['root'] })] }),
    );

    expect(result.statusCode).toBe(200);
  });
});

describe('Middleware: sessionValidation + authorize with names of Object.prototype members', () => {
  // Role and permission names come from the session table: they must be looked up as data, never
  // as properties of a plain object (where `constructor` or `__proto__` find the prototype's).
  const protoConfig = configFrom(`
routes:
  - { id: me, path: /me, methods: [GET], upstream: "http://svc" }
  - { id: reports, path: /reports, methods: [GET], upstream: "http://svc", permissions: [reports:read] }
  - { id: odd, path: /odd, methods: [GET], upstream: "http://svc", permissions: [constructor, __proto__, toString] }
roles:
  toString: [reports:read]
  analyst: [reports:read]
`);
  const protoSetup = () => {
    const store = memorySessionStore();
    const upstream = recordingUpstream();
    const gateway = testGateway({ config: protoConfig, upstream, sessions: { signer, store } });
    const login = (overrides: Partial<SessionRecord>): string => {
      const record = session(overrides);
      store.records.set(record.sessionId, record);
      return `session_token=${signer.sign(record.sessionId)}`;
    };
    return { gateway, upstream, login };
  };
  const names = ['constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

  it.each(names)(
    'lets a session with the unknown role %s in, granting it nothing',
    async (role) => {
      const { gateway, login } = protoSetup();
      const cookie = login({ roles: [role, 'ops'] });

      const me = await gateway(functionUrlEvent({ path: '/me', cookies: [cookie] }));
      const reports = await gateway(functionUrlEvent({ path: '/reports', cookies: [cookie] }));

      expect(me.statusCode).toBe(200);
      expect(reports.statusCode).toBe(403);
      expect(jsonBody(reports)).toMatchObject({ error: 'forbidden' });
    },
  );

  it('grants what a configured role named toString grants', async () => {
    const { gateway, login } = protoSetup();

    const result = await gateway(
      functionUrlEvent({ path: '/reports', cookies: [login({ roles: ['toString'] })] }),
    );

    expect(result.statusCode).toBe(200);
  });

  it('matches permissions named constructor, __proto__ and toString exactly', async () => {
    const { gateway, login, upstream } = protoSetup();

    const held = await gateway(
      functionUrlEvent({
        path: '/odd',
        cookies: [login({ permissions: ['constructor', '__proto__', 'toString'] })],
      }),
    );
    const partly = await gateway(
      functionUrlEvent({
        path: '/odd',
        cookies: [login({ roles: ['constructor'], permissions: ['toString'] })],
      }),
    );

    expect(held.statusCode).toBe(200);
    expect(partly.statusCode).toBe(403);
    expect(upstream.requests).toHaveLength(1);
    expect(output.json().find((line) => line.message === 'permission denied')).toMatchObject({
      missing_permissions: ['constructor', '__proto__'],
    });
  });
});

describe('Proxy: user context and cookies', () => {
  it('removes client-sent user headers on public routes too', async () => {
    const { gateway, upstream } = setup();

    await gateway(
      functionUrlEvent({
        path: '/public',
        headers: { 'x-user-id': 'admin', 'X-User-Roles': 'root' },
      }),
    );

    expect(upstream.requests[0]?.headers['x-user-id']).toBeUndefined();
    expect(upstream.requests[0]?.headers['x-user-roles']).toBeUndefined();
  });

  it('replaces a spoofed X-User-Id with the session user', async () => {
    const { gateway, upstream, login } = setup();

    await gateway(
      functionUrlEvent({ path: '/me', cookies: [login()], headers: { 'x-user-id': 'admin' } }),
    );

    expect(upstream.requests[0]?.headers['x-user-id']).toBe('user-42');
  });

  it('does not forward the session cookie, but does forward the others', async () => {
    const { gateway, upstream, login } = setup();

    await gateway(functionUrlEvent({ path: '/me', cookies: ['theme=dark', login(), 'lang=en'] }));

    expect(upstream.requests[0]?.headers.cookie).toBe('theme=dark; lang=en');
  });

  it('forwards the session cookie when the route asks for it', async () => {
    const { gateway, upstream, login } = setup();
    const cookie = login();

    await gateway(functionUrlEvent({ path: '/legacy', cookies: [cookie] }));

    expect(upstream.requests[0]?.headers.cookie).toBe(cookie);
  });
});
