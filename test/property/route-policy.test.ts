import fc from 'fast-check';
import type { FunctionUrlResult } from '../../functions/gateway/http/types';
import { corsOriginAllowed, corsPolicyFor } from '../../functions/gateway/policy/cors-policy';
import { decideCsrf } from '../../functions/gateway/policy/csrf-decision';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../helpers/capture-output';
import { functionUrlEvent } from '../helpers/function-url-event';
import { memorySessionStore } from '../helpers/memory-session-store';
import { PROPERTY_TIMEOUT_MS, propertyParameters } from '../helpers/property-runs';
import { configFrom, recordingUpstream, testGateway } from '../helpers/test-gateway';

const OWN = 'https://abc123.lambda-url.eu-west-1.on.aws';
const APP = 'https://app.example.com';
const TRUSTED = 'https://admin.example.com';

/** Origins a browser could send: the gateway's, the trusted ones, look-alikes and oddities. */
const origin = fc.oneof(
  fc.constantFrom(OWN, APP, TRUSTED, 'null', 'https://app.example.com.evil.example'),
  fc.constantFrom('http://app.example.com', 'https://APP.example.com', `${APP}/`, `${APP}:443`),
  fc.webUrl().map((url) => new URL(url).origin),
  fc.string({ maxLength: 40 }),
);
const secFetchSite = fc.option(
  fc.oneof(
    fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'),
    fc.constantFrom('Same-Origin', 'same-origin, cross-site', '', 'cross-site '),
    fc.string({ maxLength: 20 }),
  ),
  { nil: undefined },
);
const method = fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE');
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const trusted = new Set([APP, TRUSTED]);

describe('Property: the CSRF decision', () => {
  it(
    'lets an unsafe request with the cookie through only on a same-origin/none Sec-Fetch-Site, a trusted Origin, or no browser headers at all',
    () => {
      fc.assert(
        fc.property(
          method,
          fc.boolean(),
          secFetchSite,
          fc.option(origin, { nil: undefined }),
          (m, cookie, site, o) => {
            const verdict = decideCsrf({
              method: m,
              carriesSessionCookie: cookie,
              secFetchSite: site,
              origin: o,
              ownOrigin: OWN,
              trustedOrigins: trusted,
            });
            if (!UNSAFE.has(m) || !cookie) return verdict.allowed;
            const expected =
              site === 'same-origin' ||
              site === 'none' ||
              ((site === 'same-site' || site === 'cross-site') &&
                o !== undefined &&
                trusted.has(o)) ||
              (site === undefined && (o === undefined || o === OWN || trusted.has(o)));
            return verdict.allowed === expected;
          },
        ),
        propertyParameters(),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('Property: CORS origin matching', () => {
  const policy = corsPolicyFor(
    { methods: ['GET'], cors: undefined },
    {
      allow_origins: [APP, TRUSTED],
      allow_headers: [],
      expose_headers: [],
      allow_credentials: true,
      max_age_seconds: 600,
    },
  );
  if (!policy) throw new Error('the policy is on');

  it(
    'allows exactly the listed origins, byte for byte',
    () => {
      fc.assert(
        fc.property(origin, (o) => corsOriginAllowed(policy, o) === (o === APP || o === TRUSTED)),
        propertyParameters(),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('Property: through the chain, a cross-site unsafe request with the cookie never reaches the upstream', () => {
  const signer = new SessionSigner(['route-policy-property-secret-0123456789ab']);
  const store = memorySessionStore();
  const now = Math.floor(Date.now() / 1000);
  const sessionId = SessionSigner.newSessionId();
  store.records.set(sessionId, {
    sessionId,
    userId: 'u1',
    roles: [],
    permissions: [],
    createdAt: now,
    expiresAt: now + 3600,
    revoked: false,
  });
  const cookie = `session_token=${signer.sign(sessionId)}`;
  const upstream = recordingUpstream();
  const gateway = testGateway({
    config: configFrom(`
cors: { allow_origins: [${APP}], allow_credentials: true }
csrf: { trusted_origins: [${TRUSTED}] }
routes:
  - { id: things, path: /things, methods: [GET, POST, PUT, PATCH, DELETE], upstream: "http://svc", rate_limit: false }
`),
    sessions: { signer, store },
    upstream,
  });
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it(
    'answers 403 csrf_rejected, or forwards, exactly as the decision says',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          method.filter((m) => m !== 'OPTIONS'),
          secFetchSite,
          fc.option(origin, { nil: undefined }),
          fc.option(fc.constantFrom('evil.example', 'abc123.lambda-url.eu-west-1.on.aws'), {
            nil: undefined,
          }),
          async (m, site, o, forwardedHost) => {
            const before = upstream.requests.length;
            const headers: Record<string, string> = {};
            if (site !== undefined) headers['sec-fetch-site'] = site;
            if (o !== undefined) headers.origin = o;
            if (forwardedHost !== undefined) headers['x-forwarded-host'] = forwardedHost;
            const result: FunctionUrlResult = await gateway(
              functionUrlEvent({ method: m, path: '/things', headers, cookies: [cookie] }),
            );
            const verdict = decideCsrf({
              method: m,
              carriesSessionCookie: true,
              secFetchSite: site,
              origin: o,
              ownOrigin: OWN,
              trustedOrigins: new Set([APP, TRUSTED]),
            });
            const reached = upstream.requests.length > before;
            if (verdict.allowed) return reached && result.statusCode === 200;
            return (
              !reached &&
              result.statusCode === 403 &&
              JSON.parse(result.body ?? '{}').error === 'csrf_rejected'
            );
          },
        ),
        propertyParameters(),
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
