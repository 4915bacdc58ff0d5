import { domainName, flag, optionalSetting, parseEnvironment, text } from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';
import type { CookiePolicy } from './auth-cookies';
import { MIN_KEY_BYTES } from './sealed-box';

/** The login's secrets, as `loadGatewaySecrets` read them. */
export interface OidcSecrets {
  readonly clientSecret?: string;
  readonly tokenKey?: string;
}

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

const oidcEnvironment = {
  [EnvName.COOKIE_SECURE]: optionalSetting(flag(EnvName.COOKIE_SECURE)),
  [EnvName.COOKIE_DOMAIN]: optionalSetting(domainName(EnvName.COOKIE_DOMAIN)),
  [EnvName.AWS_LAMBDA_FUNCTION_NAME]: optionalSetting(text()),
};

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
 * `COOKIE_DOMAIN` and `COOKIE_SECURE` from the environment, with the client secret and the token
 * key (at least 32 characters of random text) from `secrets`. `COOKIE_SECURE=false` is for local
 * http development only: refused on Lambda, where every cookie must be `Secure`.
 */
export const oidcSettingsFromEnv = (
  issuer: string,
  env: Environment = process.env,
  secrets: OidcSecrets = {},
): OidcEnvSettings => {
  const settings = parseEnvironment(oidcEnvironment, env);
  const onLambda = settings.AWS_LAMBDA_FUNCTION_NAME !== undefined;
  const insecureCookies = settings.COOKIE_SECURE === false;
  if (insecureCookies && onLambda) {
    throw new Error('COOKIE_SECURE=false is for local http development and is refused on Lambda');
  }
  const domain = settings.COOKIE_DOMAIN;
  const issuerUrl = new URL(issuer);
  if (issuerUrl.protocol === 'http:' && (onLambda || !LOOPBACK.has(issuerUrl.hostname))) {
    throw new Error(
      'auth.oidc.issuer must be https (plain http only for a loopback issuer locally)',
    );
  }
  const clientSecret = secrets.clientSecret?.trim();
  return {
    ...(clientSecret ? { clientSecret } : {}),
    tokenKey: tokenKeyFrom(secrets.tokenKey),
    cookies: { secure: !insecureCookies, ...(domain ? { domain } : {}) },
    allowInsecureIssuer: issuerUrl.protocol === 'http:',
    httpOrigin: !onLambda,
  };
};
