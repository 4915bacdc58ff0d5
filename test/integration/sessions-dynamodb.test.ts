import { setTimeout as sleep } from 'node:timers/promises';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { wireSessions } from '../../functions/gateway/sessions/session-wiring';
import { SessionAdmin } from '../../scripts/session-admin';
import { captureOutput } from '../helpers/capture-output';
import { type GatewayServer, startGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { configFrom } from '../helpers/test-gateway';

const CURRENT = 'integration-current-secret-0123456789abcdef';
const PREVIOUS = 'integration-previous-secret-0123456789abcdef';
const OTHER = 'integration-unrelated-secret-0123456789abcdef';
const TABLE = 'sessions-it';
const CACHE_TTL_MS = 300;

/** A gateway on its own dynalite, as `wireSessions` wires it for Lambda. */
const startSessionsGateway = async () => {
  const upstream = await startRecordingUpstream();
  const gateway = await startGatewayServer({
    sessionTable: TABLE,
    parts: ({ dynamo, own }) => {
      const sessions = wireSessions(
        {
          tableName: TABLE,
          endpoint: dynamo?.endpoint,
          region: 'local',
          timeoutMs: 1_000,
        },
        [CURRENT, PREVIOUS],
        { ttlMs: CACHE_TTL_MS, maxEntries: 100 },
      );
      const config = configFrom(
        `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "\${UP}" }
  - { id: reports, path: /reports, methods: [GET], upstream: "\${UP}", permissions: [reports:read] }
roles:
  analyst: [reports:read]
sessions:
  cache_ttl_seconds: ${CACHE_TTL_MS / 1000}
`,
        { UP: upstream.url },
      );
      return {
        config,
        upstream: own(fetchUpstream()),
        sessions,
        readinessChecks: [sessions.readinessCheck],
      };
    },
  });
  gateway.own(upstream);
  const admin = new SessionAdmin(gateway.sessionClient(), TABLE, new SessionSigner([CURRENT]));
  return { gateway, upstream, admin };
};

describe('Integration: sessions on a DynamoDB-compatible server (dynalite)', () => {
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let gateway: GatewayServer;
  let admin: SessionAdmin;
  let output: ReturnType<typeof captureOutput>;

  beforeAll(async () => {
    ({ upstream, gateway, admin } = await startSessionsGateway());
  });
  afterAll(() => gateway?.close());

  beforeEach(() => {
    output = captureOutput();
    upstream.seen.length = 0;
  });
  afterEach(() => output.restore());

  const call = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    send(gateway.url, { path, headers: { ...headers, ...(cookie ? { cookie } : {}) } });

  it('lets a valid session through; the upstream sees the user, not the cookie', async () => {
    const { token } = await admin.create({ userId: 'alice', roles: ['analyst'], ttlSeconds: 600 });

    const response = await call('/reports', `theme=dark; session_token=${token}`);

    expect(response.status).toBe(200);
    expect(upstream.seen[0]?.headers).toMatchObject({
      'x-user-id': 'alice',
      'x-user-roles': 'analyst',
      cookie: 'theme=dark',
    });
  });

  it('never lets a spoofed X-User-Id reach the upstream', async () => {
    const { token } = await admin.create({ userId: 'bob', ttlSeconds: 600 });

    await call('/me', `session_token=${token}`, { 'x-user-id': 'root', 'x-user-roles': 'admin' });

    expect(upstream.seen[0]?.headers['x-user-id']).toBe('bob');
    expect(upstream.seen[0]?.headers['x-user-roles']).toBe('');
  });

  it('answers 403 for a valid session without the permission', async () => {
    const { token } = await admin.create({ userId: 'carol', ttlSeconds: 600 });

    const response = await call('/reports', `session_token=${token}`);

    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ error: 'forbidden' });
  });

  it('answers 401 for an expired session, though DynamoDB has not deleted it', async () => {
    const { token } = await admin.create({ userId: 'dave', ttlSeconds: 60 }, Date.now() - 120_000);

    const response = await call('/me', `session_token=${token}`);

    expect(response.status).toBe(401);
    expect(upstream.seen).toHaveLength(0);
  });

  it('stops a revoked session within the cache TTL', async () => {
    const { record, token } = await admin.create({ userId: 'erin', ttlSeconds: 600 });
    expect((await call('/me', `session_token=${token}`)).status).toBe(200);

    await admin.revoke(record.sessionId);
    await sleep(CACHE_TTL_MS + 100);
    const response = await call('/me', `session_token=${token}`);

    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('answers 401 for a forged signature', async () => {
    const { record } = await admin.create({ userId: 'frank', ttlSeconds: 600 });
    const forged = `${record.sessionId}.${'x'.repeat(43)}`;

    expect((await call('/me', `session_token=${forged}`)).status).toBe(401);
  });

  it('answers 401 for a cookie signed with a secret the gateway does not know', async () => {
    const { record } = await admin.create({ userId: 'grace', ttlSeconds: 600 });
    const wrong = new SessionSigner([OTHER]).sign(record.sessionId);

    expect((await call('/me', `session_token=${wrong}`)).status).toBe(401);
  });

  it('accepts a cookie signed with the previous secret during a rotation', async () => {
    const { record } = await admin.create({ userId: 'heidi', ttlSeconds: 600 });
    const signedBefore = new SessionSigner([PREVIOUS]).sign(record.sessionId);

    const response = await call('/me', `session_token=${signedBefore}`);

    expect(response.status).toBe(200);
    expect(upstream.seen[0]?.headers['x-user-id']).toBe('heidi');
  });

  it.each([
    'session_token=',
    'session_token=not-a-token',
    'session_token=..',
    `session_token=${'a'.repeat(5000)}`,
    'session_token=%00%0d%0a',
  ])('answers 401 for the malformed cookie %#', async (cookie) => {
    const response = await call('/me', cookie);

    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ error: 'unauthenticated' });
  });

  it('reports DynamoDB ready on /health/ready', async () => {
    const response = await call('/health/ready');

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ checks: { dynamodb: { status: 'up' } } });
  });
});

describe('Integration: sessions when DynamoDB goes down', () => {
  it('fails closed with 503, and readiness says so', async () => {
    const own = await startSessionsGateway();
    const output = captureOutput();
    try {
      const { token } = await own.admin.create({ userId: 'ivan', ttlSeconds: 600 });
      await own.gateway.dynamo?.close();

      const response = await send(own.gateway.url, {
        path: '/me',
        headers: { cookie: `session_token=${token}` },
      });
      const ready = await send(own.gateway.url, { path: '/health/ready' });

      expect(response.status).toBe(503);
      expect(response.json()).toMatchObject({ error: 'unavailable' });
      expect(own.upstream.seen).toHaveLength(0);
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { dynamodb: { status: 'down' } } });
    } finally {
      output.restore();
      await own.gateway.close();
    }
  });
});
