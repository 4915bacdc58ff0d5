import type { SessionsConfig } from '../config/schema';
import { clientForbiddenNames } from './request-header-families';
import { cookieCoreName } from './session-cookie-guard';

/**
 * What the proxy needs of the sessions settings on every request, worked out once when the gateway
 * is built: the header names (folded) a client never gets to send (the families of
 * `request-header-families.ts` plus the configured user-context headers), the user-context header
 * names, and the session cookie's name as forwarded and as guarded in answers.
 */
export interface ForwardPolicy {
  readonly cookieName: string;
  /** The session cookie's name without a browser prefix: upstream `Set-Cookie`s for it are dropped. */
  readonly sessionCookieCore: string;
  readonly userHeaders: {
    readonly userId: string;
    readonly roles: string;
    readonly permissions?: string;
  };
  readonly forbidden: ReadonlySet<string>;
}

export const forwardPolicy = (sessions: SessionsConfig): ForwardPolicy => {
  const { user_id, roles, permissions } = sessions.user_headers;
  return {
    cookieName: sessions.cookie_name,
    sessionCookieCore: cookieCoreName(sessions.cookie_name),
    userHeaders: {
      userId: user_id,
      roles,
      ...(permissions === undefined ? {} : { permissions }),
    },
    forbidden: clientForbiddenNames(
      permissions === undefined ? [user_id, roles] : [user_id, roles, permissions],
    ),
  };
};
