import type { CookiePolicy } from './auth-cookies';
import { MIN_KEY_BYTES } from './sealed-box';

type Env = Readonly<Record<string, string | undefined>>;

/** What login takes from the environment (secrets never sit in `config/gateway.yml`). */
export interface OidcEnvSettings {
  /** Unset: a public client (PKCE only), as some providers allow for single-page apps. */
  readonly clientSecret?: string;
  /** Encrypts the tokens kept in the session record and the login flow cookie (HKDF input). */
  readonly tokenKey: Buffer;
  readonly cookies: CookiePolicy;
  /** Plain http to the provider, only for a loopback issuer outside Lambda (`npm start`). */
  readonly allowInsecureIssuer: boolean;
  /** The gateway itself may be reached over http (the local server); never on Lambda. */
  readonly httpOrigin: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const onLambda = (env: Env): boolean => Boolean(env.AWS_LAMBDA_FUNCTION_NAME);

/** The token key as text (what Secrets Manager generates); the AES keys are derived from it. */
const tokenKeyFrom = (value: string | undefined): Buffer => {
  const key = Buffer.from(value?.trim() ?? '', 'utf8');
  if (key.length === 0) {
    throw new Error(
      'auth.oidc is configured but OIDC_TOKEN_KEY (or OIDC_TOKEN_KEY_ARN) is not set: at least 32 random characters',
    );
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`OIDC_TOKEN_KEY must be at least ${MIN_KEY_BYTES} characters of random text`);
  }
  return key;
};

/**
 * `OIDC_CLIENT_SECRET`, `OIDC_TOKEN_KEY` (base64, 32 bytes), `COOKIE_DOMAIN` and `COOKIE_SECURE`.
 * `COOKIE_SECURE=false` is for local http development only: refused on Lambda, where every cookie
 * must be `Secure`. (`OIDC_*_ARN` are read into these at init by `resolveOidcSecrets`.)
 */
export const oidcSettingsFromEnv = (issuer: string, env: Env = process.env): OidcEnvSettings => {
  const insecureCookies = env.COOKIE_SECURE?.trim().toLowerCase() === 'false';
  if (insecureCookies && onLambda(env)) {
    throw new Error('COOKIE_SECURE=false is for local http development and is refused on Lambda');
  }
  const domain = env.COOKIE_DOMAIN?.trim();
  if (domain && !/^\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(domain)) {
    throw new Error(`COOKIE_DOMAIN is not a domain name: ${JSON.stringify(domain)}`);
  }
  const issuerUrl = new URL(issuer);
  if (issuerUrl.protocol === 'http:' && (onLambda(env) || !LOOPBACK.has(issuerUrl.hostname))) {
    throw new Error(
      'auth.oidc.issuer must be https (plain http only for a loopback issuer locally)',
    );
  }
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  return {
    ...(clientSecret ? { clientSecret } : {}),
    tokenKey: tokenKeyFrom(env.OIDC_TOKEN_KEY),
    cookies: { secure: !insecureCookies, ...(domain ? { domain } : {}) },
    allowInsecureIssuer: issuerUrl.protocol === 'http:',
    httpOrigin: !onLambda(env),
  };
};
