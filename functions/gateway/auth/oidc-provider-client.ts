import { createHash, randomBytes } from 'node:crypto';
import type * as OpenIdClient from 'openid-client';
import type { OidcConfig } from '../config/schema';
import type { OidcEnvSettings } from './oidc-settings';

type Oidc = typeof OpenIdClient;

/**
 * `openid-client` is loaded on first use: a gateway without login never evaluates it, and one with
 * login pays for it on its first login request rather than in every cold start.
 */
let loading: Promise<Oidc> | undefined;
const openIdClient = (): Promise<Oidc> => {
  loading ??= import('openid-client');
  return loading;
};

/** Seconds for discovery and every call to the provider (token, refresh). */
const PROVIDER_TIMEOUT_SECONDS = 5;

export interface ProviderTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  /** Epoch seconds when the access token expires; undefined when the provider did not say. */
  readonly accessExpiresAt?: number;
}

export interface CodeExchange {
  readonly tokens: ProviderTokens;
  readonly claims: Readonly<Record<string, unknown>>;
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

/** Why a call to the provider failed: its answer was refused (4xx to the client), or it was unreachable. */
export class ProviderError extends Error {
  readonly kind: 'rejected' | 'unavailable';
  readonly reason: string;

  constructor(kind: 'rejected' | 'unavailable', reason: string, options?: { cause?: unknown }) {
    super(`OpenID provider ${kind}: ${reason}`, options);
    this.name = 'ProviderError';
    this.kind = kind;
    this.reason = reason;
  }
}

/**
 * A rejected answer (a token or ID token the checks refused, an error the provider sent) versus
 * a provider that could not be reached. The reason is the library's error code, never a token.
 */
const classify = (oidc: Oidc, error: unknown): ProviderError => {
  if (error instanceof ProviderError) return error;
  if (error instanceof oidc.ResponseBodyError) {
    return new ProviderError('rejected', `provider_${error.error}`, { cause: error });
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    return new ProviderError('rejected', `provider_${error.error}`, { cause: error });
  }
  const code = (error as { code?: unknown })?.code;
  if (error instanceof oidc.ClientError && typeof code === 'string') {
    const unreachable = code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM';
    return new ProviderError(unreachable ? 'unavailable' : 'rejected', code.toLowerCase(), {
      cause: error,
    });
  }
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || error instanceof TypeError) {
    return new ProviderError('unavailable', 'provider_unreachable', { cause: error });
  }
  return new ProviderError('rejected', 'provider_error', { cause: error });
};

const tokensOf = (
  response: OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers,
  nowSeconds: number,
  previous?: ProviderTokens,
): ProviderTokens => {
  const expiresIn = response.expiresIn();
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  const idToken = response.id_token ?? previous?.idToken;
  return {
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(idToken ? { idToken } : {}),
    ...(expiresIn !== undefined ? { accessExpiresAt: nowSeconds + expiresIn } : {}),
  };
};

/**
 * The provider as the login flow sees it, on `openid-client`. Discovery runs on first use and is
 * kept for the container's life; a failed discovery is not kept, so the next request tries again.
 */
export class OidcProviderClient {
  readonly #config: OidcConfig;
  readonly #settings: OidcEnvSettings;
  #discovery: Promise<{ oidc: Oidc; configuration: OpenIdClient.Configuration }> | undefined;

  constructor(config: OidcConfig, settings: OidcEnvSettings) {
    this.#config = config;
    this.#settings = settings;
  }

  #configuration(): Promise<{ oidc: Oidc; configuration: OpenIdClient.Configuration }> {
    if (!this.#discovery) {
      this.#discovery = this.#discover().catch((error: unknown) => {
        this.#discovery = undefined;
        throw new ProviderError('unavailable', 'discovery_failed', { cause: error });
      });
    }
    return this.#discovery;
  }

  async #discover(): Promise<{ oidc: Oidc; configuration: OpenIdClient.Configuration }> {
    const oidc = await openIdClient();
    const settings = this.#settings;
    const metadata: Partial<OpenIdClient.ClientMetadata> = {
      ...(settings.clientSecret ? { client_secret: settings.clientSecret } : {}),
      [oidc.clockTolerance]: this.#config.clock_skew_seconds,
    };
    const configuration = await oidc.discovery(
      new URL(this.#config.issuer),
      this.#config.client_id,
      metadata,
      settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
      {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // openid-client trusts an ID token from the token endpoint on TLS alone (OIDC Core
        // 3.1.3.7); the signature is checked too, against the provider's published keys (fetched
        // once and cached), so a token endpoint that is spoofed or misrouted cannot mint a login.
        execute: [
          oidc.enableNonRepudiationChecks,
          ...(settings.allowInsecureIssuer ? [oidc.allowInsecureRequests] : []),
        ],
      },
    );
    configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    return { oidc, configuration };
  }

  /** Where to send the browser to sign in. */
  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const { oidc, configuration } = await this.#configuration();
    return oidc
      .buildAuthorizationUrl(configuration, {
        redirect_uri: request.redirectUri,
        scope: this.#config.scopes.join(' '),
        response_type: 'code',
        code_challenge: request.codeChallenge,
        code_challenge_method: 'S256',
        state: request.state,
        nonce: request.nonce,
      })
      .toString();
  }

  /**
   * Exchanges the code of the callback URL and validates the ID token: signature, issuer,
   * audience, expiry and nonce (by openid-client, with the configured clock tolerance), and an
   * `iat` that is not in the future beyond that tolerance (which the library leaves open).
   */
  async exchangeCode(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string },
    nowSeconds: number,
  ): Promise<CodeExchange> {
    const { oidc, configuration } = await this.#configuration();
    try {
      const response = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.codeVerifier,
        idTokenExpected: true,
      });
      const claims = response.claims();
      if (!claims) throw new ProviderError('rejected', 'no_id_token');
      if (claims.iat > nowSeconds + this.#config.clock_skew_seconds) {
        throw new ProviderError('rejected', 'id_token_issued_in_future');
      }
      return { tokens: tokensOf(response, nowSeconds), claims };
    } catch (error) {
      throw classify(oidc, error);
    }
  }

  /** A new access token for the refresh token; the old refresh and ID tokens stay if none come back. */
  async refresh(previous: ProviderTokens, nowSeconds: number): Promise<ProviderTokens> {
    if (!previous.refreshToken) throw new ProviderError('rejected', 'no_refresh_token');
    const { oidc, configuration } = await this.#configuration();
    try {
      const response = await oidc.refreshTokenGrant(configuration, previous.refreshToken);
      return tokensOf(response, nowSeconds, previous);
    } catch (error) {
      throw classify(oidc, error);
    }
  }

  /** The provider's logout URL, when it has an `end_session_endpoint`. */
  async endSessionUrl(
    idToken: string | undefined,
    postLogoutRedirectUri: string,
  ): Promise<string | undefined> {
    const { oidc, configuration } = await this.#configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return oidc
      .buildEndSessionUrl(configuration, {
        ...(idToken ? { id_token_hint: idToken } : {}),
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: this.#config.client_id,
      })
      .toString();
  }
}

/** 32 random bytes, base64url: what openid-client generates for each of these. */
const random = (): string => randomBytes(32).toString('base64url');

/** The login's one-time values; the S256 challenge is base64url(SHA-256(verifier)) (RFC 7636). */
export const pkce = {
  verifier: random,
  challenge: (verifier: string): string =>
    createHash('sha256').update(verifier).digest('base64url'),
  state: random,
  nonce: random,
};
