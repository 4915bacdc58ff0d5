import { randomBytes } from 'node:crypto';
import { type Claims, startForgingProvider } from '../helpers/forging-provider';
import { useGatewayServer } from '../helpers/gateway-server';
import { Browser, freePort, locationOf, setCookiesOf } from '../helpers/login-client';
import { startRecordingUpstream } from '../helpers/loopback-upstream';

/**
 * ID tokens an attacker (or a broken provider) could hand the callback: each refused with a 400,
 * no session created, and nothing logged that could be replayed (code, state, tokens, cookies).
 * The provider is real HTTP with real keys; only the ID token's claims are forged.
 */
const TABLE = 'login-id-token-sessions';
const SESSION_SECRET = 'login-id-token-session-secret-0123456789abcdef';
const CLIENT_ID = 'gateway-forged';

let provider: Awaited<ReturnType<typeof startForgingProvider>>;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;

const gateway = useGatewayServer(async (own) => {
  upstream = own(await startRecordingUpstream());
  provider = own(await startForgingProvider(CLIENT_ID));
  return {
    routeTable: `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "${upstream.url}" }
auth:
  oidc: { issuer: "${provider.issuer}", client_id: ${CLIENT_ID}, clock_skew_seconds: 30, rate_limit: false }
`,
    sessionTable: TABLE,
    login: { clientSecret: 'login-id-token-client-secret-0123456789' },
    env: { SESSION_SECRET },
    port: await freePort(),
    urlHost: 'localhost',
  };
});
const { output } = gateway;

/** Starts a login, lets the (forging) provider see it, and comes back with a code. */
const callbackWithForgedToken = async () => {
  const browser = new Browser();
  const start = await browser.request(`${gateway.url}/auth/login?return_to=/me`);
  const authorize = new URL(locationOf(start, gateway.url));
  await browser.request(authorize.toString());
  const state = authorize.searchParams.get('state') ?? '';
  const code = randomBytes(16).toString('base64url');
  const callback = await browser.request(
    `${gateway.url}/auth/callback?code=${code}&state=${encodeURIComponent(state)}`,
  );
  return { callback, code, state, flowCookie: setCookiesOf(start)[0]?.value ?? '' };
};

const now = (): number => Math.floor(Date.now() / 1000);

describe('Integration: forged ID tokens at the callback', () => {
  it('refuses a token with correct claims signed by a key the provider does not publish', async () => {
    provider.forge((correct) => correct);
    provider.signWithUnpublishedKey(true);
    try {
      const { callback } = await callbackWithForgedToken();

      expect(callback.status).toBe(400);
      expect(setCookiesOf(callback).some((c) => c.name === 'session_token' && c.value)).toBe(false);
      const refusal = output.json().find((line) => line.message === 'login refused');
      expect(refusal?.reason).toEqual(expect.any(String));
    } finally {
      provider.signWithUnpublishedKey(false);
    }
  });

  it('accepts a correct token, and one expired within the clock-skew leeway', async () => {
    provider.forge((correct) => ({ ...correct, exp: now() - 10 }));

    const { callback } = await callbackWithForgedToken();

    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/me');
    expect(setCookiesOf(callback).some((c) => c.name === 'session_token')).toBe(true);
  });

  it.each([
    [
      'expired beyond the leeway',
      (c: Claims) => ({ ...c, exp: now() - 120 }),
      'oauth_jwt_timestamp_check_failed',
    ],
    [
      'from a foreign issuer',
      (c: Claims) => ({ ...c, iss: 'https://evil.example' }),
      'oauth_jwt_claim_comparison_failed',
    ],
    [
      'for another audience',
      (c: Claims) => ({ ...c, aud: 'another-client' }),
      'oauth_jwt_claim_comparison_failed',
    ],
    [
      'with another nonce',
      (c: Claims) => ({ ...c, nonce: 'replayed-nonce' }),
      'oauth_jwt_claim_comparison_failed',
    ],
    ['without a nonce', ({ nonce: _n, ...c }: Claims) => c, 'oauth_invalid_response'],
    [
      'issued in the future',
      (c: Claims) => ({ ...c, iat: now() + 600 }),
      'id_token_issued_in_future',
    ],
  ])('refuses an ID token %s with 400 and no session', async (_name, forge, reason) => {
    provider.forge(forge);

    const { callback, code, state, flowCookie } = await callbackWithForgedToken();

    expect(callback.status).toBe(400);
    expect(callback.json()).toMatchObject({
      error: 'bad_request',
      correlation_id: expect.any(String),
    });
    expect(setCookiesOf(callback).some((c) => c.name === 'session_token' && c.value)).toBe(false);
    const refusal = output.json().find((line) => line.message === 'login refused');
    expect(refusal?.reason).toBe(reason);
    const logs = output.text();
    for (const secret of [code, state, flowCookie, 'forged-access-token']) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
