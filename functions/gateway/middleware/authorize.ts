import type { Logger } from '@aws-lambda-powertools/logger';
import { type GatewayMiddleware, type GatewayRequest, requestState } from '../chain/request-state';
import { requiredPermissions } from '../config/permission-lookup';
import { ForbiddenError, UnauthenticatedError } from '../http/errors';
import { missingPermissions } from '../sessions/user-permissions';

/**
 * The permissions a route asks of the request's method must all be held by the user (directly or
 * through a role): else 403. A list applies to every method; a map to the methods it names (`HEAD`
 * follows `GET`), and a method it leaves out needs only the session.
 */
export const authorize = (options: { logger: Logger }): GatewayMiddleware => {
  const authorizeBefore = (request: GatewayRequest): void => {
    const state = requestState(request.context);
    const matched = state.route;
    if (!matched) return;
    const required = requiredPermissions(
      matched.route.config.permissions,
      request.event.requestContext.http.method,
    );
    if (required.length === 0) return;
    // Config validation ties permissions to auth_required, so a user is always there; stay closed if not.
    if (!state.user) throw new UnauthenticatedError(undefined, { reason: 'no_user' });
    const missing = missingPermissions(required, state.user.permissions);
    if (missing.length > 0) {
      options.logger.info('permission denied', { missing_permissions: missing });
      throw new ForbiddenError(undefined, { reason: 'missing_permission' });
    }
  };
  return { before: authorizeBefore };
};
