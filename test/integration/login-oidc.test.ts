import { randomBytes } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DevProvider } from '../../dev/oidc-dev-provider';
import { SealedBox } from '../../functions/gateway/auth/sealed-box';
import { sealTokens } from '../../functions/gateway/auth/token-seal';
import { startLoginProvider, useGatewayServer } from '../helpers/gateway-server';
import { Browser, locationOf, setCookiesOf, signInAtProvider } from '../helpers/login-client';
import { startRecordingUpstream } from '../helpers/loopback-upstream';

/**
 * The login flow end to end: the real development provider (`oidc-provider`) on loopback, the
 * gateway wired from the environment behind the local server of `npm start`, dynalite, and an
 * upstream that records what it receives.
 */
const TABLE = 'login-oidc-sessions';
const SESSION_SECRET = 'login-oidc-session-secret-0123456789abcdef';
const CLIENT_SECRET = 'login-oidc-client-secret-0123456789abcdef';
const TOKEN_KEY = randomBytes(32).toString('base64url');

let provider: DevProvider;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;

const routeTable = (issuer: string): string => `
routes:
  - { id: users, path: "/api/users/{id}", methods: [GET], upstream: "\${LOGIN_UPSTREAM}", strip_prefix: /api, permissions: [users:read] }
  - { id: token, path: /api/token, methods: [GET], upstream: "\${LOGIN_UPSTREAM}", strip_prefix: /api, forward_access_token: true }
  - { id: quiet, path: /api/quiet, methods: [GET], upstream: "\${LOGIN_UPSTREAM}", strip_prefix: /api, login_redirect: false }
roles:
  reader: [users:read]
  admin: ["*"]
auth:
  oidc:
    issuer: ${issuer}
    client_id: gateway-test
    scopes: [openid, profile]
    roles_claim: groups
    role_mapping: { readers: [reader], admins: [admin] }
    rate_limit: false # many logins from one address here; the limit has its own test (login-env)
`;

const gateway = useGatewayServer(async (own) => {
  upstream = own(await startRecordingUpstream());
  const login = await startLoginProvider(own, 'gateway-test', CLIENT_SECRET);
  provider = login.provider;
  return {
    routeTable: routeTable(provider.issuer),
    sessionTable: TABLE,
    login: { clientSecret: CLIENT_SECRET, tokenKey: TOKEN_KEY },
    env: { LOGIN_UPSTREAM: upstream.url, SESSION_SECRET },
    port: login.port,
    urlHost: 'localhost',
  };
});

const sessionIdOf = (cookie: string): string => cookie.split('.')[0] ?? '';

const row = async (sessionId: string): Promise<Record<string, unknown> | undefined> =>
  (
    await gateway
      .sessionClient()
      .send(new GetCommand({ TableName: TABLE, Key: { sessionId }, ConsistentRead: true }))
  ).Item;

/** The whole sign-in: login redirect, provider form, callback. */
const signIn = async (
  browser: Browser,
  returnTo = '/api/users/1',
  login = 'alice',
): Promise<{ callback: Awaited<ReturnType<Browser['request']>>; session: string }> => {
  const start = await browser.request(
    `${gateway.url}/auth/login?return_to=${encodeURIComponent(returnTo)}`,
  );
  const callbackUrl = await signInAtProvider(browser, locationOf(start, gateway.url), login, login);
  const callback = await browser.request(callbackUrl);
  return { callback, session: browser.cookie(gateway.url, 'session_token') ?? '' };
};

describe('Integration: OpenID Connect login through the local server', () => {
  it('signs a user in, serves the protected route with the user upstream, and logs out', async () => {
    const browser = new Browser();

    // Login redirect: PKCE S256, state and nonce, the flow kept in a scoped cookie.
    const start = await browser.request(`${gateway.url}/auth/login?return_to=/api/users/1`);
    expect(start.status).toBe(302);
    const authorize = new URL(locationOf(start, gateway.url));
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toEqual(expect.any(String));
    expect(authorize.searchParams.get('nonce')).toEqual(expect.any(String));
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${gateway.url}/auth/callback`);
    const [flow] = setCookiesOf(start);
    expect(flow?.name).toBe('gateway_login');
    expect(Object.fromEntries(flow?.attributes ?? [])).toMatchObject({
      path: '/auth/callback',
      httponly: '',
      samesite: 'Lax',
      secure: '',
      'max-age': '600',
    });

    // Provider login form, then the callback.
    const callbackUrl = await signInAtProvider(browser, authorize.toString(), 'alice', 'alice');
    const callback = await browser.request(callbackUrl);
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/api/users/1');
    const session = setCookiesOf(callback).find((cookie) => cookie.name === 'session_token');
    expect(Object.fromEntries(session?.attributes ?? [])).toMatchObject({
      path: '/',
      httponly: '',
      samesite: 'Lax',
      secure: '',
    });
    const cookie = session?.value ?? '';

    // The session row: a new record with the user, mapped roles and sealed tokens.
    const stored = await row(sessionIdOf(cookie));
    expect(stored).toMatchObject({ userId: 'alice', roles: ['reader'], revoked: false });
    expect(typeof stored?.tokens).toBe('string');
    expect(String(stored?.tokens)).not.toMatch(/eyJ/);

    // The protected route, with the user headers upstream.
    const seenBefore = upstream.seen.length;
    const protectedPage = await browser.request(`${gateway.url}/api/users/1`);
    expect(protectedPage.status).toBe(200);
    expect(upstream.seen[seenBefore]?.headers).toMatchObject({
      'x-user-id': 'alice',
      'x-user-roles': 'reader',
    });

    const userinfo = await browser.request(`${gateway.url}/auth/userinfo`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.json()).toEqual({
      user_id: 'alice',
      roles: ['reader'],
      permissions: ['users:read'],
      expires_at: expect.any(String),
    });

    // Logout: revoked, cookie cleared, on to the provider's end_session_endpoint.
    const logout = await browser.request(`${gateway.url}/auth/logout`, {
      method: 'POST',
      headers: { origin: gateway.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(logout.status).toBe(302);
    const endSession = new URL(locationOf(logout, gateway.url));
    expect(endSession.origin).toBe(provider.issuer);
    expect(endSession.searchParams.get('id_token_hint')).toEqual(expect.any(String));
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${gateway.url}/`);
    expect(
      setCookiesOf(logout)
        .find((c) => c.name === 'session_token')
        ?.attributes.get('max-age'),
    ).toBe('0');
    expect(await row(sessionIdOf(cookie))).toMatchObject({ revoked: true });

    // The same cookie afterwards: 401 (this container dropped its cache entry at logout).
    const headers = { cookie: `session_token=${cookie}`, accept: 'application/json' };
    const after = await new Browser().request(`${gateway.url}/api/users/1`, { headers });
    expect(after.status).toBe(401);
    expect((await new Browser().request(`${gateway.url}/auth/userinfo`, { headers })).status).toBe(
      401,
    );
  });

  it('sends a browser without a session to the login page, and keeps 401 JSON for API calls', async () => {
    const browser = new Browser();
    const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

    const page = await browser.request(`${gateway.url}/api/users/7?tab=a`, {
      headers: { accept: html },
    });
    const api = await browser.request(`${gateway.url}/api/users/7`, { headers: { accept: '*/*' } });
    const optedOut = await browser.request(`${gateway.url}/api/quiet`, {
      headers: { accept: html },
    });

    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/auth/login?return_to=%2Fapi%2Fusers%2F7%3Ftab%3Da');
    expect(api.status).toBe(401);
    expect(api.json()).toMatchObject({ error: 'unauthenticated' });
    expect(optedOut.status).toBe(401);
  });

  it('forwards the access token upstream and refreshes an expired one once for concurrent requests', async () => {
    const browser = new Browser();
    const { session } = await signIn(browser, '/api/token');
    const sessionId = sessionIdOf(session);

    const seenBefore = upstream.seen.length;
    const first = await browser.request(`${gateway.url}/api/token`, {
      headers: { authorization: 'Bearer client-supplied' },
    });
    expect(first.status).toBe(200);
    const original = upstream.seen[seenBefore]?.headers.authorization;
    expect(original).toMatch(/^Bearer /);
    expect(original).not.toBe('Bearer client-supplied');

    // The access token expires (as the provider's clock would have it).
    await gateway.sessionClient().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { sessionId },
        UpdateExpression: 'SET accessExpiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
      }),
    );
    const refreshesBefore = provider.refreshes();
    const seenConcurrent = upstream.seen.length;
    const [a, b] = await Promise.all([
      browser.request(`${gateway.url}/api/token`),
      browser.request(`${gateway.url}/api/token`),
    ]);

    expect([a.status, b.status]).toEqual([200, 200]);
    expect(provider.refreshes() - refreshesBefore).toBe(1);
    const forwarded = upstream.seen.slice(seenConcurrent).map((r) => r.headers.authorization);
    expect(forwarded).toHaveLength(2);
    expect(forwarded[0]).toBe(forwarded[1]);
    expect(forwarded[0]).not.toBe(original);
    expect(await row(sessionId)).toMatchObject({ tokenVersion: 1 });
  });

  it('ends the session when the provider refuses the refresh', async () => {
    const browser = new Browser();
    const { session } = await signIn(browser, '/api/token');
    const sessionId = sessionIdOf(session);
    const box = new SealedBox(Buffer.from(TOKEN_KEY), 'gateway-oidc-tokens');
    await gateway.sessionClient().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { sessionId },
        UpdateExpression: 'SET tokens = :t, accessExpiresAt = :past',
        ExpressionAttributeValues: {
          ':t': sealTokens(box, { accessToken: 'old', refreshToken: 'not-a-refresh-token' }),
          ':past': Math.floor(Date.now() / 1000) - 60,
        },
      }),
    );

    const refused = await browser.request(`${gateway.url}/api/token`, {
      headers: { accept: 'application/json' },
    });
    const afterwards = await browser.request(`${gateway.url}/api/users/1`, {
      headers: { accept: 'application/json' },
    });

    expect(refused.status).toBe(401);
    expect(afterwards.status).toBe(401);
    expect(await row(sessionId)).toMatchObject({ revoked: true });
  });

  it('logs out every session of the user with ?everywhere=true', async () => {
    const laptop = new Browser();
    const phone = new Browser();
    await signIn(laptop);
    await signIn(phone);

    const logout = await laptop.request(`${gateway.url}/auth/logout?everywhere=true`, {
      headers: { 'sec-fetch-site': 'same-origin' },
    });

    expect(logout.status).toBe(302);
    const phoneAfter = await phone.request(`${gateway.url}/api/users/1`, {
      headers: { accept: 'application/json' },
    });
    // Another container would see it within sessions.cache_ttl_seconds; this one at once.
    expect(phoneAfter.status).toBe(401);
  });
});
