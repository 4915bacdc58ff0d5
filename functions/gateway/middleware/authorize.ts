import type { Logger } from '@aws-lambda-powertools/logger';
import { ForbiddenError, UnauthenticatedError } from '../http/errors';
import { type GatewayMiddleware, type GatewayRequest, requestState } from '../http/types';
import { missingPermissions } from '../sessions/user-permissions';

/** A route's `permissions` must all be held by the user (directly or through a role): else 403. */
export const authorize = (options: { logger: Logger }): GatewayMiddleware => {
  const authorizeBefore = (request: GatewayRequest): void => {
    const state = requestState(request.context);
    const required = state.route?.route.config.permissions ?? [];
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
