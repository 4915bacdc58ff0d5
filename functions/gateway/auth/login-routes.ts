import type { Logger } from '@aws-lambda-powertools/logger';
import type { RequestState } from '../chain/request-state';
import type { OidcConfig } from '../config/schema';
import { errorResult } from '../http/error-result';
import {
  BadRequestError,
  ForbiddenError,
  GatewayError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthenticatedError,
  UnavailableError,
} from '../http/errors';
import { jsonResult } from '../http/json-result';
import type { FunctionUrlEvent, FunctionUrlResult } from '../http/types';
import { readCookie } from '../sessions/session-cookie';
import { SessionSigner } from '../sessions/session-signer';
import type { SessionStore } from '../sessions/session-store';
import type { SessionRecord } from '../sessions/session-types';
import { resolvePermissions, roleGrantsFrom } from '../sessions/user-permissions';
import { type CookiePolicy, clearCookie, setCookie } from './auth-cookies';
import { rolesFrom, userIdFrom } from './claims';
import {
  FLOW_COOKIE,
  FLOW_LIFETIME_SECONDS,
  openFlow,
  sameState,
  sealFlow,
} from './login-flow-cookie';
import type { LoginSessionStore } from './login-session-store';
import { type OidcProviderClient, ProviderError, pkce } from './oidc-provider-client';
import { safeReturnTo } from './return-to';
import type { SealedBox } from './sealed-box';
import { openTokens, sealTokens } from './token-seal';

export interface LoginRoutesOptions {
  readonly config: OidcConfig;
  readonly cookieName: string;
  readonly roles: Readonly<Record<string, readonly string[]>>;
  readonly cookies: CookiePolicy;
  /** The request's `X-Forwarded-Proto: http` is believed (the local server); on Lambda, always https. */
  readonly httpOrigin: boolean;
  readonly provider: OidcProviderClient;
  readonly signer: SessionSigner;
  /** The validated (cached) store session validation uses; logout drops its entries. */
  readonly sessions: SessionStore;
  readonly loginStore: LoginSessionStore;
  readonly flowBox: SealedBox;
  readonly tokenBox: SealedBox;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

/** The gateway's login endpoints: `<prefix>/login`, `/callback`, `/logout`, `/userinfo`. */
export interface LoginRoutes {
  readonly prefix: string;
  /** True for a path under the prefix (which the login routes answer, 404 included). */
  owns(rawPath: string): boolean;
  handle(event: FunctionUrlEvent, state: RequestState): Promise<FunctionUrlResult>;
}

const redirect = (location: string, cookies: string[] = []): FunctionUrlResult => ({
  statusCode: 302,
  headers: { location, 'cache-control': 'no-store' },
  ...(cookies.length > 0 ? { cookies } : {}),
  body: '',
  isBase64Encoded: false,
});

const query = (event: FunctionUrlEvent): URLSearchParams =>
  new URLSearchParams(typeof event.rawQueryString === 'string' ? event.rawQueryString : '');

/** `Sec-Fetch-Site` values of a request a page of this origin (or the user, typing) made. */
const SAME_SITE_FETCH = new Set(['same-origin', 'none']);

export const loginRoutes = (options: LoginRoutesOptions): LoginRoutes => {
  const { config, cookies, provider, signer, loginStore, logger } = options;
  const now = options.now ?? Date.now;
  const nowSeconds = (): number => Math.floor(now() / 1000);
  const prefix = config.prefix;
  const callbackPath = `${prefix}/callback`;
  const roleGrants = roleGrantsFrom(options.roles);

  /** The gateway's public origin: configured, else the request's (the Function URL's domain). */
  const originOf = (event: FunctionUrlEvent): string => {
    if (config.public_url) return new URL(config.public_url).origin;
    const proto =
      options.httpOrigin && event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
    const host = event.requestContext?.domainName ?? event.headers?.host ?? '';
    return `${proto}://${host}`;
  };

  const providerFailure = (error: unknown): GatewayError => {
    if (error instanceof ProviderError && error.kind === 'rejected') {
      return new BadRequestError('The sign-in could not be completed; please start again', {
        reason: error.reason,
      });
    }
    return new UnavailableError({
      reason: error instanceof ProviderError ? error.reason : 'provider_error',
      dependency: 'oidc',
      cause: error,
    });
  };

  const storeFailure = (error: unknown): GatewayError =>
    new UnavailableError({ reason: 'dynamodb_error', dependency: 'dynamodb', cause: error });

  const login = async (event: FunctionUrlEvent): Promise<FunctionUrlResult> => {
    const returnTo = safeReturnTo(query(event).get('return_to'));
    const codeVerifier = pkce.verifier();
    const flow = {
      state: pkce.state(),
      nonce: pkce.nonce(),
      codeVerifier,
      returnTo,
      expiresAt: nowSeconds() + FLOW_LIFETIME_SECONDS,
    };
    let location: string;
    try {
      location = await provider.authorizationUrl({
        redirectUri: `${originOf(event)}${callbackPath}`,
        state: flow.state,
        nonce: flow.nonce,
        codeChallenge: pkce.challenge(codeVerifier),
      });
    } catch (error) {
      throw providerFailure(error);
    }
    return redirect(location, [
      setCookie(cookies, FLOW_COOKIE, sealFlow(options.flowBox, flow), {
        path: callbackPath,
        maxAgeSeconds: FLOW_LIFETIME_SECONDS,
      }),
    ]);
  };

  const callback = async (event: FunctionUrlEvent): Promise<FunctionUrlResult> => {
    const params = query(event);
    const flow = openFlow(options.flowBox, readCookie(event, FLOW_COOKIE));
    // Without the browser's own flow cookie this is not the browser that started the login
    // (login CSRF), or the login took too long.
    if (!flow) {
      throw new BadRequestError('No sign-in is in progress in this browser; please start again', {
        reason: 'login_state_missing',
      });
    }
    if (flow.expiresAt <= nowSeconds()) {
      throw new BadRequestError('The sign-in took too long; please start again', {
        reason: 'login_state_expired',
      });
    }
    const state = params.get('state');
    if (!state) {
      throw new BadRequestError('The sign-in response has no state', { reason: 'state_missing' });
    }
    if (!sameState(state, flow.state)) {
      throw new BadRequestError('The sign-in response does not belong to this sign-in', {
        reason: 'state_mismatch',
      });
    }
    if (params.has('error')) {
      throw new BadRequestError('The provider did not complete the sign-in', {
        reason: 'provider_denied',
      });
    }
    let firstUse: boolean;
    try {
      firstUse = await loginStore.consumeState(state, flow.expiresAt);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!firstUse) {
      throw new BadRequestError('This sign-in response was already used', {
        reason: 'state_replayed',
      });
    }

    const callbackUrl = new URL(`${originOf(event)}${callbackPath}?${params.toString()}`);
    let exchange: Awaited<ReturnType<OidcProviderClient['exchangeCode']>>;
    try {
      exchange = await provider.exchangeCode(callbackUrl, flow, nowSeconds());
    } catch (error) {
      throw providerFailure(error);
    }
    const userId = userIdFrom(exchange.claims, config);
    if (!userId) {
      throw new ForbiddenError('Your account has no usable user id for this service', {
        reason: 'user_id_claim_unusable',
      });
    }
    // Always a new id: whatever session cookie the browser presented is never promoted (fixation).
    const sessionId = SessionSigner.newSessionId();
    const createdAt = nowSeconds();
    const expiresAt = createdAt + config.session_lifetime_seconds;
    try {
      await loginStore.create({
        sessionId,
        userId,
        roles: rolesFrom(exchange.claims, config),
        createdAt,
        expiresAt,
        tokens: sealTokens(options.tokenBox, exchange.tokens),
        ...(exchange.tokens.accessExpiresAt !== undefined
          ? { accessExpiresAt: exchange.tokens.accessExpiresAt }
          : {}),
      });
    } catch (error) {
      throw storeFailure(error);
    }
    logger.info('login succeeded', { user_id: userId });
    return redirect(flow.returnTo, [
      setCookie(cookies, options.cookieName, signer.sign(sessionId), {
        path: '/',
        maxAgeSeconds: config.session_lifetime_seconds,
      }),
    ]);
  };

  /** The request's session when it is valid (signed, known, not revoked, not expired). */
  const currentSession = async (event: FunctionUrlEvent): Promise<SessionRecord | undefined> => {
    const token = readCookie(event, options.cookieName);
    if (!token) return undefined;
    const verified = signer.verify(token);
    if (!verified.ok) return undefined;
    let record: SessionRecord | undefined;
    try {
      record = await options.sessions.get(verified.sessionId);
    } catch (error) {
      throw storeFailure(error);
    }
    if (!record || record.revoked || record.expiresAt * 1000 <= now()) return undefined;
    return record;
  };

  /**
   * Logout from another site is refused: a browser says where a request comes from in
   * `Sec-Fetch-Site` (and `Origin` on a POST). A GET must carry that proof; a POST without either
   * header is a non-browser client (a cross-site form POST carries no Lax cookie anyway).
   */
  const checkLogoutOrigin = (event: FunctionUrlEvent, method: string): void => {
    const site = event.headers?.['sec-fetch-site'];
    const origin = event.headers?.origin;
    const sameOrigin = origin !== undefined && origin === originOf(event);
    if (site !== undefined) {
      if (SAME_SITE_FETCH.has(site) || (site === 'same-site' && sameOrigin)) return;
    } else if (sameOrigin || (method === 'POST' && origin === undefined)) {
      return;
    }
    throw new ForbiddenError('Logout must come from this site', { reason: 'logout_cross_site' });
  };

  const logout = async (event: FunctionUrlEvent, method: string): Promise<FunctionUrlResult> => {
    checkLogoutOrigin(event, method);
    const everywhere = query(event).get('everywhere') === 'true';
    const token = readCookie(event, options.cookieName);
    const verified = token ? signer.verify(token) : undefined;
    let idToken: string | undefined;
    if (verified?.ok) {
      try {
        const stored = await loginStore.tokens(verified.sessionId);
        idToken = stored ? openTokens(options.tokenBox, stored.tokens)?.idToken : undefined;
        const record = await options.sessions.get(verified.sessionId);
        let revoked = [verified.sessionId];
        if (everywhere && record) revoked = await loginStore.revokeAllOf(record.userId);
        else await loginStore.revoke(verified.sessionId);
        for (const id of revoked) options.sessions.invalidate?.(id);
        logger.info('logout', { sessions_revoked: revoked.length });
      } catch (error) {
        throw storeFailure(error);
      }
    }
    const afterLogout = `${originOf(event)}${config.post_logout_redirect_path}`;
    let location = config.post_logout_redirect_path;
    try {
      location = (await provider.endSessionUrl(idToken, afterLogout)) ?? location;
    } catch (error) {
      // The gateway's own logout is done; the provider's session outlives it, which is logged.
      logger.warn('provider logout unavailable', { error });
    }
    return redirect(location, [clearCookie(cookies, options.cookieName, '/')]);
  };

  const userinfo = async (event: FunctionUrlEvent): Promise<FunctionUrlResult> => {
    const record = await currentSession(event);
    if (!record) throw new UnauthenticatedError(undefined, { reason: 'no_session' });
    return jsonResult(200, {
      user_id: record.userId,
      roles: record.roles,
      permissions: [...resolvePermissions(record, roleGrants)].sort(),
      expires_at: new Date(record.expiresAt * 1000).toISOString(),
    });
  };

  /** A refused callback also deletes the flow cookie: a failed login is started afresh. */
  const refusedCallback = (error: GatewayError, state: RequestState): FunctionUrlResult => {
    logger.info('login refused', { error_code: error.code, reason: error.reason });
    state.auth = error.reason ?? error.code;
    return {
      ...errorResult(error, state.correlationId),
      cookies: [clearCookie(cookies, FLOW_COOKIE, callbackPath)],
    };
  };

  return {
    prefix,
    owns: (rawPath) => rawPath === prefix || rawPath.startsWith(`${prefix}/`),
    handle: async (event, state) => {
      const method = event.requestContext.http.method;
      const path = event.rawPath;
      const allow = (methods: string[]): void => {
        if (!methods.includes(method)) throw new MethodNotAllowedError(methods);
      };
      switch (path) {
        case `${prefix}/login`:
          allow(['GET']);
          return login(event);
        case callbackPath: {
          allow(['GET']);
          try {
            const result = await callback(event);
            return {
              ...result,
              cookies: [...(result.cookies ?? []), clearCookie(cookies, FLOW_COOKIE, callbackPath)],
            };
          } catch (error) {
            if (error instanceof GatewayError && error.statusCode < 500) {
              return refusedCallback(error, state);
            }
            throw error;
          }
        }
        case `${prefix}/logout`:
          allow(['GET', 'POST']);
          return logout(event, method);
        case `${prefix}/userinfo`:
          allow(['GET']);
          return userinfo(event);
        default:
          throw new NotFoundError();
      }
    },
  };
};
