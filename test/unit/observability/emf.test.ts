import { Metrics } from '@aws-lambda-powertools/metrics';
import { BadGatewayError } from '../../../functions/gateway/http/errors';
import { MemoryTokenBucket } from '../../../functions/gateway/ratelimit/memory-token-bucket';
import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../../helpers/capture-output';
import { emfMetricNames, emfProblems } from '../../helpers/emf';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { memorySessionStore } from '../../helpers/memory-session-store';
import { configFrom, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const config = configFrom(`
routes:
  - { id: public, path: /public, methods: [GET], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 1, refill_per_second: 0.001, scope: ip } }
  - { id: private, path: /private, methods: [GET], upstream: "http://svc" }
  - { id: broken, path: /broken, methods: [GET], upstream: "http://svc", auth_required: false }
  - { id: user, path: "/users/{id}", methods: [GET], upstream: "http://svc", rate_limit: { capacity: 1, refill_per_second: 0.001, scope: user } }
`);

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
});

const run = async (
  path: string,
  options: { limiter?: MemoryTokenBucket; cookies?: string[]; sourceIp?: string } = {},
) => {
  const upstream = recordingUpstream((request) => {
    if (request.url.includes('/broken'))
      throw new BadGatewayError({
        reason: 'upstream_connect_econnrefused',
        dependency: 'upstream',
      });
    return { status: 200, headers: {}, setCookies: [], body: Buffer.from('ok') };
  });
  const gateway = testGateway({
    config,
    upstream,
    metrics: new Metrics({ namespace: 'Gateway', serviceName: 'gateway' }),
    rateLimiter: options.limiter ?? new MemoryTokenBucket(),
    sessions: { signer, store: sessionStore },
  });
  await gateway(
    functionUrlEvent({
      path,
      ...(options.cookies ? { cookies: options.cookies } : {}),
      ...(options.sourceIp ? { sourceIp: options.sourceIp } : {}),
    }),
  );
  const docs = output.json().filter((line) => line._aws);
  for (const doc of docs) expect(emfProblems(doc)).toEqual([]);
  return docs;
};
const signer = new SessionSigner(['emf-test-secret-0123456789abcdef0123456789']);
const sessionStore = memorySessionStore();
/** A session for `userId`, as its cookie. */
const loginAs = (userId: string): string => {
  const sessionId = `emf-session-${userId}`;
  const now = Math.floor(Date.now() / 1000);
  sessionStore.records.set(sessionId, {
    sessionId,
    userId,
    roles: [],
    permissions: [],
    createdAt: now - 60,
    expiresAt: now + 3600,
    revoked: false,
  });
  return `session_token=${signer.sign(sessionId)}`;
};
const requestDoc = (docs: Record<string, unknown>[]) =>
  docs.find((doc) => emfMetricNames(doc).includes('Requests'));

describe('Observability: CloudWatch EMF', () => {
  it('a 200 gives Requests, Latency, UpstreamLatency and Responses2xx by route and status class', async () => {
    const docs = await run('/public');

    const doc = requestDoc(docs);
    expect(doc).toMatchObject({
      route: 'public',
      status_class: '2xx',
      service: 'gateway',
      Requests: 1,
      Responses2xx: 1,
    });
    expect(emfMetricNames(doc ?? {}).sort()).toEqual([
      'Latency',
      'Requests',
      'Responses2xx',
      'UpstreamLatency',
    ]);
    // Every line is JSON: no plain-text warnings from the metrics library.
    expect(
      output
        .text()
        .split('\n')
        .filter((line) => line && !line.startsWith('{')),
    ).toEqual([]);
  });

  it('a 401 also gives AuthFailures by reason, in its own document', async () => {
    const docs = await run('/private');

    expect(requestDoc(docs)).toMatchObject({ status_class: '4xx', Responses4xx: 1 });
    expect(docs.find((doc) => doc.AuthFailures)).toMatchObject({
      reason: 'missing_cookie',
      AuthFailures: 1,
    });
  });

  it('a 429 gives RateLimited', async () => {
    const limiter = new MemoryTokenBucket();
    await run('/public', { limiter });
    output.restore();
    output = captureOutput();

    const docs = await run('/public', { limiter });

    expect(requestDoc(docs)).toMatchObject({ RateLimited: 1, Responses4xx: 1 });
  });

  it('a 502 gives Responses5xx and DependencyErrors for the upstream', async () => {
    const docs = await run('/broken');

    expect(requestDoc(docs)).toMatchObject({ status_class: '5xx', Responses5xx: 1 });
    expect(docs.find((doc) => doc.DependencyErrors)).toMatchObject({
      dependency: 'upstream',
      DependencyErrors: 1,
    });
  });

  it('the first invocation of a container gives ColdStart, and only the first', async () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
    const metrics = new Metrics({ namespace: 'Gateway', serviceName: 'gateway' });
    const gateway = testGateway({ config, metrics, rateLimiter: new MemoryTokenBucket() });

    await gateway(functionUrlEvent({ path: '/public' }));
    await gateway(functionUrlEvent({ path: '/public' }));

    const coldStarts = output.json().filter((doc) => doc._aws && doc.ColdStart);
    expect(coldStarts).toHaveLength(1);
    expect(emfProblems(coldStarts[0] ?? {})).toEqual([]);
    expect(coldStarts[0]).toMatchObject({ ColdStart: 1, service: 'gateway' });
  });

  it('never uses a user id, raw path or IP as a dimension, on any outcome of a signed-in user', async () => {
    const userId = 'alice-7f3e9c';
    const sourceIp = '198.51.100.23';
    const limiter = new MemoryTokenBucket();
    const cookies = [loginAs(userId)];
    // 200 on a path with the user's id in it, then 429 from the same user's bucket.
    await run(`/users/${userId}`, { cookies, sourceIp, limiter });
    await run(`/users/${userId}`, { cookies, sourceIp, limiter });
    // 401 (a forged cookie) and 502, from the same address; `run` returns every document so far.
    await run(`/users/${userId}`, { cookies: ['session_token=forged.sig'], sourceIp });
    const docs = await run('/broken', { cookies, sourceIp });
    const outcomes = docs.filter((doc) => doc.Requests).map((doc) => doc.status_class);
    expect(outcomes).toEqual(['2xx', '4xx', '4xx', '5xx']);
    expect(docs.find((doc) => doc.RateLimited)).toBeDefined();

    for (const doc of docs) {
      const sets = (
        doc._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }
      ).CloudWatchMetrics.flatMap((d) => d.Dimensions);
      for (const key of sets.flat()) {
        expect([
          'service',
          'route',
          'status_class',
          'reason',
          'dependency',
          'function_name',
        ]).toContain(key);
        // A dimension's value is never the user, the address or the path the request named.
        expect(String(doc[key])).not.toContain(userId);
        expect(String(doc[key])).not.toContain(sourceIp);
        expect(String(doc[key])).not.toContain('/users/');
      }
    }
  });
});
