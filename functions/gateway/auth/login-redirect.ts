import type { GatewayMiddleware, GatewayRequest } from '../chain/request-state';
import { UnauthenticatedError } from '../http/errors';

/** The quality a media range gets in an Accept header (0 when absent). */
const quality = (accept: string, type: string): number => {
  let best = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    if (range.trim() !== type) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = q ? Number(q.slice(2)) : 1;
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
};

/**
 * A browser navigation: `text/html` named explicitly and preferred at least as much as JSON.
 * `*\/*` alone (curl, fetch) is an API client, which keeps the 401 JSON contract.
 */
export const prefersHtml = (accept: string | undefined): boolean => {
  if (!accept) return false;
  const html = quality(accept, 'text/html');
  return html > 0 && html >= quality(accept, 'application/json');
};

/**
 * Turns the 401 of a browser navigation to a protected route into a 302 to the login page, with
 * the path to come back to. Register it just outside the error middleware, so the refusal is
 * logged and counted as a 401 first. A route with `login_redirect: false` keeps the 401.
 */
export const loginRedirect = (options: { loginPath: string }): GatewayMiddleware => {
  const loginRedirectOnError = (request: GatewayRequest): void => {
    const { event, error, response } = request;
    const route = request.context.gateway?.route?.route.config;
    const method = event?.requestContext?.http?.method;
    if (!(error instanceof UnauthenticatedError) || response?.statusCode !== 401) return;
    if (!route?.auth_required || !route.login_redirect) return;
    if (method !== 'GET' && method !== 'HEAD') return;
    if (!prefersHtml(event.headers?.accept)) return;
    const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
    const returnTo = encodeURIComponent(`${event.rawPath}${query}`);
    request.response = {
      statusCode: 302,
      headers: {
        ...Object.fromEntries(
          Object.entries(response.headers).filter(([name]) => name !== 'content-type'),
        ),
        location: `${options.loginPath}?return_to=${returnTo}`,
        'cache-control': 'no-store',
      },
      body: '',
      isBase64Encoded: false,
    };
  };
  return { onError: loginRedirectOnError };
};
