import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DevProvider } from '../../dev/oidc-dev-provider';
import { startLoginProvider, useGatewayServer } from '../helpers/gateway-server';
import type { RawResponse } from '../helpers/http-request';
import { Browser, locationOf, setCookiesOf, signInAtProvider } from '../helpers/login-client';
import { startRecordingUpstream } from '../helpers/loopback-upstream';

/**
 * Attacks on the login flow against the real development provider: forged or replayed callbacks,
 * open redirects, session fixation and logout from another site. Each is refused with a clear 4xx
 * (or, for `return_to`, made harmless) and leaves nothing replayable in the logs.
 */
const TABLE = 'login-attacks-sessions';
const SESSION_SECRET = 'login-attacks-session-secret-0123456789abcdef';
const CLIENT_SECRET = 'login-attacks-client-secret-0123456789abcdef';

let provider: DevProvider;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
const JSON_ACCEPT = { accept: 'application/json' };

const gateway = useGatewayServer(async (own) => {
  upstream = own(await startRecordingUpstream());
  const login = await startLoginProvider(own, 'gateway-attacks', CLIENT_SECRET);
  provider = login.provider;
  return {
    routeTable: `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "${upstream.url}" }
roles: { reader: [users:read], admin: ["*"] }
auth:
  oidc:
    issuer: "${provider.issuer}"
    client_id: gateway-attacks
    roles_claim: groups
    role_mapping: { readers: [reader], admins: [admin] }
    rate_limit: false # many logins from one address here; the limit has its own test (login-env)
`,
    sessionTable: TABLE,
    login: { clientSecret: CLIENT_SECRET },
    env: { SESSION_SECRET },
    port: login.port,
    urlHost: 'localhost',
  };
});
const { output } = gateway;

/** Everything a login leaves that an attacker could replay. */
const replayable = (callbackUrl: string, ...cookies: string[]): string[] => {
  const url = new URL(callbackUrl);
  return [
    url.searchParams.get('code') ?? '',
    url.searchParams.get('state') ?? '',
    ...cookies,
  ].filter((value) => value.length > 0);
};

const expectNothingReplayableLogged = (secrets: string[]): void => {
  const logs = output.text();
  for (const secret of secrets) expect(logs).not.toContain(secret);
};

/** A started login and the provider's answer to it, stopped before the callback. */
const startAndSignIn = async (
  browser: Browser,
  returnToQuery = 'return_to=/me',
  login = 'alice',
) => {
  const start = await browser.request(`${gateway.url}/auth/login?${returnToQuery}`);
  const flowCookie = setCookiesOf(start)[0]?.value ?? '';
  const callbackUrl = await signInAtProvider(browser, locationOf(start, gateway.url), login, login);
  return { callbackUrl, flowCookie };
};

const expectRefused = (response: RawResponse, status = 400): void => {
  expect(response.status).toBe(status);
  expect(response.json()).toMatchObject({
    correlation_id: expect.any(String),
    message: expect.any(String),
  });
  expect(setCookiesOf(response).some((c) => c.name === 'session_token' && c.value)).toBe(false);
};

const refusalReason = (): unknown =>
  output.json().find((line) => line.message === 'login refused')?.reason;

describe('Integration: attacks on the login callback', () => {
  it('refuses a callback without the browser’s flow cookie (login CSRF)', async () => {
    const attacker = new Browser();
    const { callbackUrl, flowCookie } = await startAndSignIn(attacker, 'return_to=/me', 'admin');

    const victim = await new Browser().request(callbackUrl);

    expectRefused(victim);
    expect(refusalReason()).toBe('login_state_missing');
    expectNothingReplayableLogged(replayable(callbackUrl, flowCookie));
  });

  it('refuses a callback whose state is not the one this browser started with', async () => {
    const attacker = new Browser();
    const { callbackUrl } = await startAndSignIn(attacker, 'return_to=/me', 'admin');
    const victim = new Browser();
    await victim.request(`${gateway.url}/auth/login?return_to=/me`);

    const response = await victim.request(callbackUrl);

    expectRefused(response);
    expect(refusalReason()).toBe('state_mismatch');
    expectNothingReplayableLogged(replayable(callbackUrl));
  });

  it('refuses a callback without state', async () => {
    const browser = new Browser();
    const { callbackUrl } = await startAndSignIn(browser);
    const withoutState = new URL(callbackUrl);
    withoutState.searchParams.delete('state');

    const response = await browser.request(withoutState.toString());

    expectRefused(response);
    expect(refusalReason()).toBe('state_missing');
  });

  it('refuses a replayed callback, even with a copy of the flow cookie', async () => {
    const browser = new Browser();
    const { callbackUrl, flowCookie } = await startAndSignIn(browser);
    const first = await browser.request(callbackUrl);
    expect(first.status).toBe(302);
    // The flow cookie was deleted; the attacker kept a copy.
    expect(browser.cookie(callbackUrl, 'gateway_login')).toBeUndefined();
    const attacker = new Browser();
    attacker.set(gateway.url, 'gateway_login', flowCookie, '/auth/callback');

    const replay = await attacker.request(callbackUrl);

    expectRefused(replay);
    expect(refusalReason()).toBe('state_replayed');
    expectNothingReplayableLogged(
      replayable(callbackUrl, flowCookie, browser.cookie(gateway.url, 'session_token') ?? ''),
    );
  });
});

describe('Integration: open redirects through return_to', () => {
  it.each([
    'return_to=//evil.example',
    'return_to=/\\evil.example',
    'return_to=https://evil.example',
    'return_to=%2F%2Fevil.example',
    'return_to=%252F%252Fevil.example',
    'return_to=/%2F%2Fevil.example',
    'return_to=%2F%5Cevil.example',
    'return_to=javascript:alert(1)',
    'return_to=/%09/evil.example',
  ])('sends the browser to / for %s', async (query) => {
    const browser = new Browser();
    const { callbackUrl } = await startAndSignIn(browser, query);

    const callback = await browser.request(callbackUrl);

    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/');
  });

  it('keeps a same-origin path with its query', async () => {
    const browser = new Browser();
    const { callbackUrl } = await startAndSignIn(
      browser,
      `return_to=${encodeURIComponent('/me?tab=2')}`,
    );

    const callback = await browser.request(callbackUrl);

    expect(callback.headers.location).toBe('/me?tab=2');
  });
});

describe('Integration: session fixation and logout from another site', () => {
  it('issues a new session id at login, never the one the browser presented', async () => {
    const attacker = new Browser();
    const { callbackUrl } = await startAndSignIn(attacker, 'return_to=/me', 'admin');
    await attacker.request(callbackUrl);
    const planted = attacker.cookie(gateway.url, 'session_token') ?? '';
    const victim = new Browser();
    victim.set(gateway.url, 'session_token', planted);

    const { callbackUrl: victimCallback } = await startAndSignIn(victim);
    await victim.request(victimCallback);
    const issued = victim.cookie(gateway.url, 'session_token') ?? '';

    expect(issued).not.toBe(planted);
    const idOf = (cookie: string) => cookie.split('.')[0];
    expect(idOf(issued)).not.toBe(idOf(planted));
    const victimRow = await gateway
      .sessionClient()
      .send(new GetCommand({ TableName: TABLE, Key: { sessionId: idOf(issued) } }));
    const plantedRow = await gateway
      .sessionClient()
      .send(new GetCommand({ TableName: TABLE, Key: { sessionId: idOf(planted) } }));
    expect(victimRow.Item).toMatchObject({ userId: 'alice' });
    expect(plantedRow.Item).toMatchObject({ userId: 'admin' });
  });

  it.each([
    [
      'a cross-site POST',
      'POST',
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    ],
    ['a POST with a foreign Origin only', 'POST', { origin: 'https://evil.example' }],
    ['a cross-site link (GET)', 'GET', { 'sec-fetch-site': 'cross-site' }],
    ['a GET with no proof of origin', 'GET', {}],
  ])('refuses logout from %s with 403 and keeps the session', async (_name, method, headers) => {
    const browser = new Browser();
    const { callbackUrl } = await startAndSignIn(browser);
    await browser.request(callbackUrl);

    const logout = await browser.request(`${gateway.url}/auth/logout`, { method, headers });
    const me = await browser.request(`${gateway.url}/me`, { headers: JSON_ACCEPT });

    expect(logout.status).toBe(403);
    expect(logout.json()).toMatchObject({ error: 'forbidden' });
    expect(setCookiesOf(logout)).toEqual([]);
    expect(me.status).toBe(200);
  });
});
