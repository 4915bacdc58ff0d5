import type { Logger } from '@aws-lambda-powertools/logger';
import { type GatewayMiddleware, type GatewayRequest, requestState } from '../chain/request-state';
import type { SessionsConfig } from '../config/schema';
import { UnauthenticatedError, UnavailableError } from '../http/errors';
import { readCookie } from '../sessions/session-cookie';
import type { SessionSigner } from '../sessions/session-signer';
import { type SessionStore, SessionStoreError } from '../sessions/session-store';
import { SessionRejection } from '../sessions/session-types';
import { resolvePermissions, roleGrantsFrom } from '../sessions/user-permissions';

export interface SessionValidationOptions {
  readonly config: SessionsConfig;
  readonly roles: Readonly<Record<string, readonly string[]>>;
  /** Unset when the gateway runs without a session store: protected routes then fail closed. */
  readonly signer: SessionSigner | undefined;
  readonly store: SessionStore | undefined;
  readonly logger: Logger;
  /** Epoch milliseconds; the gateway's clock, never the client's. */
  readonly now?: () => number;
}

const refuse = (reason: string): UnauthenticatedError =>
  new UnauthenticatedError(undefined, { reason });

/**
 * On routes with `auth_required`: reads the session cookie, checks its format and signature, then
 * the session record (found, not revoked, not expired). Any failure is a 401 whose reason is logged;
 * a store that cannot answer is a 503 (fail closed). Public routes pass untouched.
 */
export const sessionValidation = (options: SessionValidationOptions): GatewayMiddleware => {
  const now = options.now ?? Date.now;
  const roleGrants = roleGrantsFrom(options.roles);

  const sessionValidationBefore = async (request: GatewayRequest): Promise<void> => {
    const state = requestState(request.context);
    if (!state.route?.route.config.auth_required) return;
    if (!options.signer || !options.store) throw refuse('no_session_store');

    const token = readCookie(request.event, options.config.cookie_name);
    if (token === undefined || token === '') throw refuse(SessionRejection.missingCookie);
    const verified = options.signer.verify(token);
    if (!verified.ok) throw refuse(verified.reason);

    let record: Awaited<ReturnType<SessionStore['get']>>;
    try {
      record = await options.store.get(verified.sessionId);
    } catch (error) {
      if (error instanceof SessionStoreError && error.failure === 'malformed_record') {
        options.logger.error('session record is malformed', { error: error.cause });
        throw refuse(SessionRejection.malformedRecord);
      }
      // The store that failed names itself (`dynamodb_timeout`); anything else is unexplained.
      const failed =
        error instanceof SessionStoreError
          ? error
          : new SessionStoreError('session_store', 'error', { cause: error });
      throw new UnavailableError({
        reason: failed.reason,
        dependency: failed.dependency,
        cause: error,
      });
    }
    if (!record) throw refuse(SessionRejection.unknownSession);
    if (record.revoked) throw refuse(SessionRejection.revoked);
    if (record.expiresAt * 1000 <= now()) throw refuse(SessionRejection.expired);

    state.user = {
      userId: record.userId,
      roles: record.roles,
      permissions: resolvePermissions(record, roleGrants),
    };
    state.sessionId = record.sessionId;
    state.auth = 'ok';
    options.logger.appendKeys({ user_id: record.userId });
  };

  return { before: sessionValidationBefore };
};
