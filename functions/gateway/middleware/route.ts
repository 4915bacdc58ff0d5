import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type BuiltinEndpoint,
  type GatewayMiddleware,
  type GatewayRequest,
  requestState,
} from '../chain/request-state';
import { BadRequestError, MethodNotAllowedError } from '../http/errors';
import type { RouteTable } from '../routing/route-table';

/** The gateway's own endpoints; they shadow any configured route of the same path. */
export const BUILTIN_PATHS: ReadonlyMap<string, BuiltinEndpoint> = new Map([
  ['/health/live', 'live'],
  ['/health/ready', 'ready'],
]);

/**
 * Matches the request to a route (or a built-in endpoint) and records it for the middlewares and
 * the handler behind it. No match is a 404; a known path with another method is a 405 with `Allow`.
 */
export const route = (
  table: RouteTable,
  logger: Logger,
  /** The login routes' prefix test (`/auth/...`), when login is configured. */
  ownsLoginPath?: (rawPath: string) => boolean,
): GatewayMiddleware => {
  const routeBefore = (request: GatewayRequest): void => {
    const method = request.event?.requestContext?.http?.method;
    const rawPath = request.event?.rawPath;
    if (typeof method !== 'string' || typeof rawPath !== 'string') {
      throw new BadRequestError('The event is not a Function URL request', {
        reason: 'not_function_url_event',
      });
    }
    // A CORS preflight the gateway answers itself (see corsPreflight) matches no route.
    if (requestState(request.context).preflight) return;
    const builtin = BUILTIN_PATHS.get(rawPath);
    if (builtin) {
      if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError(['GET', 'HEAD']);
      requestState(request.context).builtin = builtin;
      return;
    }
    if (ownsLoginPath?.(rawPath)) {
      requestState(request.context).builtin = 'auth';
      return;
    }
    const matched = table.match(method, rawPath);
    requestState(request.context).route = matched;
    // Every later line of this request names its route.
    logger.appendKeys({ route: matched.route.id });
  };
  return { before: routeBefore };
};
