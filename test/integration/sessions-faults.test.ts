import { createSessionTable, LOCAL_AWS_ENV } from '../../dev/local-dynamodb';
import { fetchUpstream } from '../../functions/gateway/proxy/fetch-upstream';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { sessionSettingsFromEnv } from '../../functions/gateway/sessions/session-settings';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { wireSessions } from '../../functions/gateway/sessions/session-wiring';
import { SessionAdmin } from '../../scripts/session-admin';
import { type DynaliteProcess, startDynaliteProcess } from '../helpers/dynalite-process';
import {
  type CapturedOutput,
  startSessionTable,
  useGatewayServer,
} from '../helpers/gateway-server';
import { type RawResponse, send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';
import { startTcpFaultProxy, type TcpFaultProxy } from '../helpers/tcp-fault-proxy';
import { configFrom } from '../helpers/test-gateway';

const SECRET = 'integration-faults-secret-0123456789abcdef';
const TABLE = 'sessions-faults';
/** The documented default bound of a DynamoDB call: this suite leaves it unset on purpose. */
const DEFAULT_BOUND_MS = 1_000;
/** Readiness checks are bounded by 1 s (createGateway's default). */
const READINESS_BOUND_MS = 1_000;

type Output = Pick<CapturedOutput, 'json'>;

const timed = async (request: Promise<RawResponse>) => {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
};

/** The user-facing evidence of one refused request: JSON contract, log line, metric. */
const expectDependencyFailure = (response: RawResponse, output: Output, reason: string) => {
  expect(response.status).toBe(503);
  const body = response.json();
  expect(body).toEqual({
    error: 'unavailable',
    message: 'The service is temporarily unavailable',
    correlation_id: response.headers['x-correlation-id'],
    timestamp: expect.any(String),
  });
  const lines = output.json();
  expect(lines.find((line) => line.message === 'request failed')).toMatchObject({ reason });
  expect(lines.find((line) => line.message === 'request')).toMatchObject({ status: 503 });
  expect(lines.find((doc) => doc.DependencyErrors !== undefined)).toMatchObject({
    DependencyErrors: 1,
    dependency: 'dynamodb',
  });
};

describe('Integration: the session store failing (dynalite behind a fault proxy)', () => {
  let proxy: TcpFaultProxy;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  const gateway = useGatewayServer(async (own) => {
    upstream = own(await startRecordingUpstream());
    return {
      sessionTable: TABLE,
      parts: async ({ dynamo }) => {
        proxy = own(await startTcpFaultProxy(dynamo?.endpoint ?? ''));
        const config = configFrom(
          `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "\${UP}" }
sessions:
  cache_ttl_seconds: 60
`,
          { UP: upstream.url },
        );
        // No DYNAMODB_TIMEOUT_MS: the documented default bound applies.
        const settings = sessionSettingsFromEnv({
          SESSION_TABLE: TABLE,
          DYNAMODB_ENDPOINT: proxy.url,
          AWS_REGION: 'local',
        });
        const sessions = wireSessions(settings, [SECRET], { ttlMs: 60_000, maxEntries: 100 });
        return {
          config,
          upstream: own(fetchUpstream()),
          sessions,
          readinessChecks: [sessions.readinessCheck],
        };
      },
    };
  });
  const { output } = gateway;

  beforeEach(async () => {
    await proxy.setMode({ kind: 'forward' });
  });

  /** A fresh session, so the gateway's cache has not seen it and must ask the store. */
  const freshCookie = async (): Promise<string> => {
    const admin = new SessionAdmin(gateway.sessionClient(), TABLE, new SessionSigner([SECRET]));
    const { token } = await admin.create({ userId: 'faulty', ttlSeconds: 600 });
    return `session_token=${token}`;
  };
  const me = (cookie: string) => send(gateway.url, { path: '/me', headers: { cookie } });

  it('answers 503 dynamodb_timeout within the 1 s bound when the store accepts and never answers, and recovers', async () => {
    const cookie = await freshCookie();
    await proxy.setMode({ kind: 'blackhole' });

    const { response, ms } = await timed(me(cookie));

    expectDependencyFailure(response, output, 'dynamodb_timeout');
    expect(ms).toBeLessThan(3 * DEFAULT_BOUND_MS);
    expect(upstream.seen).toHaveLength(0);

    await proxy.setMode({ kind: 'forward' });
    expect((await me(cookie)).status).toBe(200);
  });

  it('answers 503 dynamodb_timeout within the bound when each direction takes 1.2 s, and recovers', async () => {
    const cookie = await freshCookie();
    await proxy.setMode({ kind: 'slow', delayMs: 1_200 });

    const { response, ms } = await timed(me(cookie));

    expectDependencyFailure(response, output, 'dynamodb_timeout');
    expect(ms).toBeLessThan(3 * DEFAULT_BOUND_MS);

    await proxy.setMode({ kind: 'forward' });
    expect((await me(cookie)).status).toBe(200);
  });

  it('still answers 200 from a store that is slow but inside the bound (100 ms each way)', async () => {
    const cookie = await freshCookie();
    await proxy.setMode({ kind: 'slow', delayMs: 100 });

    const { response } = await timed(me(cookie));

    expect(response.status).toBe(200);
  });

  it('answers 503 dynamodb_unreachable quickly when the store is stopped, and recovers when it is back', async () => {
    const cookie = await freshCookie();
    await proxy.setMode({ kind: 'stopped' });

    const { response, ms } = await timed(me(cookie));

    expectDependencyFailure(response, output, 'dynamodb_unreachable');
    expect(ms).toBeLessThan(3 * DEFAULT_BOUND_MS);

    await proxy.setMode({ kind: 'forward' });
    expect((await me(cookie)).status).toBe(200);
  });

  it('reports readiness down with reason timeout within its bound for a black-holed store, and up again after', async () => {
    await proxy.setMode({ kind: 'blackhole' });

    const { response, ms } = await timed(send(gateway.url, { path: '/health/ready' }));

    expect(response.status).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'unavailable',
      checks: { dynamodb: { status: 'down', reason: 'timeout' } },
    });
    expect(ms).toBeLessThan(3 * READINESS_BOUND_MS);

    await proxy.setMode({ kind: 'forward' });
    const ready = await send(gateway.url, { path: '/health/ready' });
    expect(ready.json()).toMatchObject({ checks: { dynamodb: { status: 'up' } } });
  });

  it('sends one lookup for a burst of concurrent misses, and shares its timeout with all of them', async () => {
    const cookie = await freshCookie();
    await proxy.setMode({ kind: 'blackhole' });
    const before = proxy.requests();

    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 40 }, () => me(cookie)));
    const ms = performance.now() - started;

    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(503));
    expect(ms).toBeLessThan(3 * DEFAULT_BOUND_MS);
    expect(proxy.requests() - before).toBe(1);

    // The failure was not cached: the store, back, is asked again, once for the whole burst.
    await proxy.setMode({ kind: 'forward' });
    const afterRecovery = proxy.requests();
    const recovered = await Promise.all(Array.from({ length: 40 }, () => me(cookie)));
    expect(recovered.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(proxy.requests() - afterRecovery).toBe(1);
  });

  it('asks the store once for a signed cookie of a session that does not exist', async () => {
    const cookie = `session_token=${new SessionSigner([SECRET]).sign(SessionSigner.newSessionId())}`;
    const before = proxy.requests();

    const statuses = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await me(cookie)).status);

    expect(statuses).toEqual(Array(20).fill(401));
    expect(proxy.requests() - before).toBe(1);
  });
});

describe('Integration: DYNAMODB_TIMEOUT_MS through the environment, wireGatewayFromEnv and the local server', () => {
  const BOUND_MS = 400;
  let proxy: TcpFaultProxy;
  let admin: SessionAdmin;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  const gateway = useGatewayServer(async (own) => {
    const table = own(await startSessionTable(TABLE));
    admin = new SessionAdmin(table.client, TABLE, new SessionSigner([SECRET]));
    proxy = own(await startTcpFaultProxy(table.endpoint));
    upstream = own(await startRecordingUpstream());
    return {
      routeTable: `routes:\n  - { id: me, path: /me, methods: [GET], upstream: "\${UP}" }\n`,
      env: {
        ...LOCAL_AWS_ENV,
        UP: upstream.url,
        SESSION_SECRET: SECRET,
        SESSION_TABLE: TABLE,
        DYNAMODB_ENDPOINT: proxy.url,
        DYNAMODB_TIMEOUT_MS: String(BOUND_MS),
      },
      unset: ['REDIS_URL', 'REDIS_HOST', 'SESSION_SECRET_PREVIOUS', 'SESSION_SECRET_ARN'],
    };
  });
  const { output } = gateway;

  beforeEach(async () => {
    await proxy.setMode({ kind: 'forward' });
  });

  it('answers 503 dynamodb_timeout within the configured bound for a black-holed store, then 200 once it is back', async () => {
    const { token } = await admin.create({ userId: 'env-user', ttlSeconds: 600 });
    const cookie = `session_token=${token}`;
    await proxy.setMode({ kind: 'blackhole' });

    const { response, ms } = await timed(send(gateway.url, { path: '/me', headers: { cookie } }));

    expectDependencyFailure(response, output, 'dynamodb_timeout');
    expect(ms).toBeLessThan(3 * BOUND_MS);

    await proxy.setMode({ kind: 'forward' });
    const recovered = await send(gateway.url, { path: '/me', headers: { cookie } });
    expect(recovered.status).toBe(200);
    expect(upstream.seen.at(-1)?.headers['x-user-id']).toBe('env-user');
  });

  it('reports readiness down with reason timeout when the store bound is shorter than readiness', async () => {
    await proxy.setMode({ kind: 'blackhole' });

    const { response, ms } = await timed(send(gateway.url, { path: '/health/ready' }));

    expect(response.status).toBe(503);
    expect(response.json()).toMatchObject({
      checks: { dynamodb: { status: 'down', reason: 'timeout' } },
    });
    expect(ms).toBeLessThan(3 * BOUND_MS);
  });
});

describe('Integration: the DynamoDB deadline on a saturated event loop (dynalite in another process)', () => {
  const BOUND_MS = 200;
  let dynamo: DynaliteProcess;
  let adminClient: ReturnType<typeof createDocumentClient>;
  let sessionId: string;

  beforeAll(async () => {
    Object.assign(process.env, LOCAL_AWS_ENV);
    dynamo = await startDynaliteProcess();
    await createSessionTable(dynamo.endpoint, TABLE);
    adminClient = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
    const admin = new SessionAdmin(adminClient, TABLE, new SessionSigner([SECRET]));
    sessionId = (await admin.create({ userId: 'busy', ttlSeconds: 600 })).record.sessionId;
  });

  afterAll(async () => {
    adminClient.destroy();
    await dynamo.stop();
  });

  /**
   * Holds the event loop, as a burst of CPU-bound requests on a saturated container would, for at
   * least `ms` and until the store (another process) has sent its answer.
   */
  const busyWaitUntilAnswered = (ms: number, answersBefore: number): void => {
    const until = performance.now() + ms;
    const giveUp = until + 10_000;
    while (performance.now() < until || dynamo.answersSent() <= answersBefore) {
      if (performance.now() > giveUp) throw new Error('the store did not answer within 10 s');
    }
  };

  it('does not call a lookup timed out when its answer arrived while the loop was blocked past the deadline', async () => {
    const settings = sessionSettingsFromEnv({
      SESSION_TABLE: TABLE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'local',
      DYNAMODB_TIMEOUT_MS: String(BOUND_MS),
    });
    const { store } = wireSessions(settings, [SECRET], { ttlMs: 0, maxEntries: 0 });
    await store.get(sessionId); // a kept-alive connection, as a warm container has

    for (let round = 0; round < 5; round += 1) {
      let answered = false;
      const lookup = store.get(sessionId).then((record) => {
        answered = true;
        return record;
      });
      const answersBefore = dynamo.answersSent();
      // Let the request leave (it only takes promise jobs), then block past the deadline.
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      busyWaitUntilAnswered(2 * BOUND_MS, answersBefore);

      await expect(lookup).resolves.toMatchObject({ userId: 'busy' });
    }
  });
});
