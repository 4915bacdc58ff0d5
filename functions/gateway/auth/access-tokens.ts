import type { Logger } from '@aws-lambda-powertools/logger';
import { UnauthenticatedError, UnavailableError } from '../http/errors';
import type { SessionStore } from '../sessions/session-store';
import type { LoginSessionStore, StoredTokens } from './login-session-store';
import { type OidcProviderClient, ProviderError } from './oidc-provider-client';
import type { SealedBox } from './sealed-box';
import { openTokens, sealTokens } from './token-seal';

/** An access token this close to expiry is refreshed first: it could expire on its way upstream. */
const EXPIRY_MARGIN_SECONDS = 10;
/** How long a claimed refresh holds off others; past it a crashed claimant is taken over. */
const REFRESH_LOCK_SECONDS = 15;
/** How long a request waits for a refresh another container claimed, and how often it looks. */
const WAIT_MS = 6_000;
const POLL_MS = 150;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface AccessTokensOptions {
  readonly provider: Pick<OidcProviderClient, 'refresh'>;
  readonly loginStore: LoginSessionStore;
  readonly sessions: SessionStore;
  readonly tokenBox: SealedBox;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

/**
 * The signed-in user's current access token for `forward_access_token` routes. An expired one is
 * refreshed at most once per session at a time: in this container, concurrent requests share one
 * refresh; across containers, a conditional write on the token version picks the one that calls
 * the provider, and the others wait for its result. A refresh the provider refuses ends the session.
 */
export class AccessTokens {
  readonly #options: AccessTokensOptions;
  readonly #now: () => number;
  readonly #refreshing = new Map<string, Promise<string>>();

  constructor(options: AccessTokensOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #seconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  async #read(sessionId: string): Promise<StoredTokens | undefined> {
    try {
      return await this.#options.loginStore.tokens(sessionId);
    } catch (error) {
      throw new UnavailableError({
        reason: 'dynamodb_error',
        dependency: 'dynamodb',
        cause: error,
      });
    }
  }

  #fresh(stored: StoredTokens): string | undefined {
    const tokens = openTokens(this.#options.tokenBox, stored.tokens);
    if (!tokens) return undefined;
    const expiresAt = stored.accessExpiresAt ?? tokens.accessExpiresAt;
    if (expiresAt !== undefined && expiresAt <= this.#seconds() + EXPIRY_MARGIN_SECONDS) {
      return undefined;
    }
    return tokens.accessToken;
  }

  /** The access token to send upstream; 401 when the session has none or it cannot be renewed. */
  async current(sessionId: string): Promise<string> {
    const stored = await this.#read(sessionId);
    if (!stored || stored.revoked || !openTokens(this.#options.tokenBox, stored.tokens)) {
      throw new UnauthenticatedError(undefined, { reason: 'no_access_token' });
    }
    const fresh = this.#fresh(stored);
    if (fresh) return fresh;
    let shared = this.#refreshing.get(sessionId);
    if (!shared) {
      shared = this.#renew(sessionId, stored).finally(() => this.#refreshing.delete(sessionId));
      this.#refreshing.set(sessionId, shared);
    }
    return shared;
  }

  async #renew(sessionId: string, first: StoredTokens): Promise<string> {
    const deadline = this.#now() + WAIT_MS;
    let stored: StoredTokens | undefined = first;
    while (stored && !stored.revoked) {
      const fresh = this.#fresh(stored);
      if (fresh) return fresh;
      let claimed: boolean;
      try {
        claimed = await this.#options.loginStore.claimRefresh(
          sessionId,
          stored.tokenVersion,
          this.#seconds(),
          REFRESH_LOCK_SECONDS,
        );
      } catch (error) {
        throw new UnavailableError({
          reason: 'dynamodb_error',
          dependency: 'dynamodb',
          cause: error,
        });
      }
      if (claimed) return this.#refresh(sessionId, stored);
      if (this.#now() >= deadline) {
        throw new UnavailableError({ reason: 'token_refresh_wait', dependency: 'oidc' });
      }
      await sleep(POLL_MS);
      stored = await this.#read(sessionId);
    }
    throw new UnauthenticatedError(undefined, { reason: 'revoked' });
  }

  async #refresh(sessionId: string, stored: StoredTokens): Promise<string> {
    const { provider, loginStore, tokenBox, logger } = this.#options;
    const previous = openTokens(tokenBox, stored.tokens);
    if (!previous) throw new UnauthenticatedError(undefined, { reason: 'no_access_token' });
    let renewed: Awaited<ReturnType<OidcProviderClient['refresh']>>;
    try {
      renewed = await provider.refresh(previous, this.#seconds());
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'unavailable') {
        // The claim lapses by itself; the next request tries again.
        throw new UnavailableError({ reason: error.reason, dependency: 'oidc', cause: error });
      }
      // The provider refused the refresh token (expired, revoked, reused): the session ends.
      logger.info('token refresh refused; session ended', {
        reason: error instanceof ProviderError ? error.reason : 'provider_error',
      });
      try {
        await loginStore.revoke(sessionId);
      } finally {
        this.#options.sessions.invalidate?.(sessionId);
      }
      throw new UnauthenticatedError(undefined, { reason: 'token_refresh_failed' });
    }
    try {
      await loginStore.storeRefreshed(
        sessionId,
        stored.tokenVersion,
        sealTokens(tokenBox, renewed),
        renewed.accessExpiresAt,
      );
    } catch (error) {
      throw new UnavailableError({
        reason: 'dynamodb_error',
        dependency: 'dynamodb',
        cause: error,
      });
    }
    return renewed.accessToken;
  }
}
