import { oidcSettingsFromEnv } from '../../../functions/gateway/auth/oidc-settings';
import { parseConfig } from '../../../functions/gateway/loader/load-config';

const routes = `
routes:
  - { path: /me, methods: [GET], upstream: "http://me.internal" }
roles: { reader: [users:read] }
`;

describe('Config: auth.oidc', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(
      `${routes}auth:\n  oidc: { issuer: "https://id.example.com", client_id: gw }\n`,
      'gateway.yml',
      {},
    );

    expect(config.auth.oidc).toEqual({
      issuer: 'https://id.example.com',
      client_id: 'gw',
      scopes: ['openid', 'profile'],
      user_id_claim: 'sub',
      role_mapping: {},
      default_roles: [],
      session_lifetime_seconds: 28_800,
      prefix: '/auth',
      clock_skew_seconds: 30,
      post_logout_redirect_path: '/',
      rate_limit: {
        capacity: 30,
        refill_per_second: 0.5,
        scope: 'ip',
        cost: 1,
        on_error: 'fail_open',
        mode: 'enforce',
      },
    });
  });

  it('expands environment references in issuer and client_id, and an issuer that expands to nothing turns login off', () => {
    const text = `${routes}auth:\n  oidc: { issuer: "\${OIDC_ISSUER:-}", client_id: "\${OIDC_CLIENT_ID:-gw}" }\n`;

    const on = parseConfig(text, 'gateway.yml', {
      OIDC_ISSUER: 'https://id.example.com',
      OIDC_CLIENT_ID: 'app',
    });
    const off = parseConfig(text, 'gateway.yml', {});

    expect(on.auth.oidc).toMatchObject({ issuer: 'https://id.example.com', client_id: 'app' });
    expect(off.auth.oidc).toBeUndefined();
  });

  it('names each mistake: a role mapped to an undefined role, a bad prefix, a token forwarded on a public route', () => {
    const text = `
routes:
  - { path: /me, methods: [GET], upstream: "http://me.internal", auth_required: false, forward_access_token: true }
roles: { reader: [users:read] }
auth:
  oidc:
    issuer: "https://id.example.com"
    client_id: gw
    prefix: auth
    role_mapping: { staff: [writer] }
`;

    expect(() => parseConfig(text, 'gateway.yml', {})).toThrow(
      /routes\[0\]\.forward_access_token: forward_access_token needs auth_required: true[\s\S]*auth\.oidc\.prefix: must be a path like \/auth/,
    );
    expect(() =>
      parseConfig(
        `${routes}auth:\n  oidc: { issuer: "https://id.example.com", client_id: gw, role_mapping: { staff: [writer] } }\n`,
        'gateway.yml',
        {},
      ),
    ).toThrow('auth.oidc.role_mapping.staff: role "writer" is not defined under roles');
  });
});

describe('Login settings from the environment and the login secrets', () => {
  const secrets = { tokenKey: 'k'.repeat(43) };

  it('refuses COOKIE_SECURE=false on Lambda, and allows it locally', () => {
    expect(() =>
      oidcSettingsFromEnv(
        'https://id.example.com',
        { COOKIE_SECURE: 'false', AWS_LAMBDA_FUNCTION_NAME: 'gateway' },
        secrets,
      ),
    ).toThrow('COOKIE_SECURE=false is for local http development and is refused on Lambda');
    expect(
      oidcSettingsFromEnv('https://id.example.com', { COOKIE_SECURE: 'false' }, secrets).cookies,
    ).toEqual({ secure: false });
  });

  it('sets Secure by default and takes COOKIE_DOMAIN', () => {
    expect(
      oidcSettingsFromEnv('https://id.example.com', { COOKIE_DOMAIN: 'example.com' }, secrets)
        .cookies,
    ).toEqual({ secure: true, domain: 'example.com' });
    expect(() =>
      oidcSettingsFromEnv('https://id.example.com', { COOKIE_DOMAIN: 'a.com; Path=/' }, secrets),
    ).toThrow('COOKIE_DOMAIN must be a domain name, got "a.com; Path=/"');
    expect(() =>
      oidcSettingsFromEnv('https://id.example.com', { COOKIE_SECURE: 'maybe' }, secrets),
    ).toThrow('COOKIE_SECURE must be true or false, got "maybe"');
  });

  it('needs a token key of at least 32 characters', () => {
    expect(() => oidcSettingsFromEnv('https://id.example.com', {})).toThrow('OIDC_TOKEN_KEY');
    expect(() => oidcSettingsFromEnv('https://id.example.com', {}, { tokenKey: 'short' })).toThrow(
      'OIDC_TOKEN_KEY must be at least 32 characters',
    );
  });

  it('takes the client secret from the secrets, never from the environment', () => {
    expect(
      oidcSettingsFromEnv('https://id.example.com', {}, { ...secrets, clientSecret: ' shh ' })
        .clientSecret,
    ).toBe('shh');
    expect(
      oidcSettingsFromEnv('https://id.example.com', { OIDC_CLIENT_SECRET: 'env' }, secrets),
    ).not.toHaveProperty('clientSecret');
  });

  it('believes X-Forwarded-Proto: http for its own origin only off Lambda', () => {
    expect(oidcSettingsFromEnv('https://id.example.com', {}, secrets).httpOrigin).toBe(true);
    expect(
      oidcSettingsFromEnv('https://id.example.com', { AWS_LAMBDA_FUNCTION_NAME: 'gw' }, secrets)
        .httpOrigin,
    ).toBe(false);
  });

  it('talks plain http only to a loopback issuer, and never on Lambda', () => {
    expect(oidcSettingsFromEnv('http://localhost:8082', {}, secrets).allowInsecureIssuer).toBe(
      true,
    );
    expect(() => oidcSettingsFromEnv('http://id.example.com', {}, secrets)).toThrow(
      'auth.oidc.issuer must be https',
    );
    expect(() =>
      oidcSettingsFromEnv('http://localhost:8082', { AWS_LAMBDA_FUNCTION_NAME: 'gw' }, secrets),
    ).toThrow('auth.oidc.issuer must be https');
  });
});
