import { requiredPermissions } from '../functions/gateway/config/permission-lookup';
import { routeLimits } from '../functions/gateway/config/route-limits';
import type { GatewayConfig, RouteConfig } from '../functions/gateway/config/schema';

/**
 * Hints printed by `npm start` and `npm run session`, made from the route table actually served:
 * a path each route answers, and the session a protected route needs.
 */

/** A concrete path the route matches: `{id}` becomes `1`, a trailing `/*` a sample segment. */
export const examplePath = (route: RouteConfig): string => {
  const filled = route.path.replace(/\{[^}]+\}/g, '1');
  if (!filled.endsWith('/*')) return filled;
  const base = filled.slice(0, -2);
  return `${base}/${route.stream ? 'events' : 'hello'}`;
};

/** What a GET (the banner's curl) of the route needs; the route's first method otherwise. */
const examplePermissions = (route: RouteConfig): readonly string[] =>
  requiredPermissions(
    route.permissions,
    route.methods.includes('GET') ? 'GET' : (route.methods[0] ?? 'GET'),
  );

/** Roles of the table that grant every permission the route needs (`*` grants all). */
const rolesGranting = (needed: readonly string[], roles: GatewayConfig['roles']): string[] =>
  Object.entries(roles)
    .filter(([, granted]) => needed.every((p) => granted.includes('*') || granted.includes(p)))
    .map(([name]) => name);

/** The `npm run session -- create` arguments for a session the route accepts. */
export const sessionArgumentsFor = (route: RouteConfig, roles: GatewayConfig['roles']): string => {
  const needed = examplePermissions(route);
  if (needed.length === 0) return '--user alice';
  const granting = rolesGranting(needed, roles);
  // The narrowest role that works reads best: prefer one that does not grant everything.
  const role = granting.find((name) => !roles[name]?.includes('*')) ?? granting[0];
  return role ? `--user alice --roles ${role}` : `--user alice --permissions ${needed.join(',')}`;
};

/** The first protected route with a GET (or any method), for the session hints. */
export const protectedExample = (config: GatewayConfig): RouteConfig | undefined =>
  config.routes.find((route) => route.auth_required && route.methods.includes('GET')) ??
  config.routes.find((route) => route.auth_required);

/** One line per route: methods, path, id and what it takes. */
export const routeLines = (config: GatewayConfig): string[] => {
  const rows = config.routes.map((route) => {
    const permissions = Array.isArray(route.permissions)
      ? route.permissions
      : Object.entries(route.permissions).map(
          ([method, list]) => `${method}: ${list.join(' ') || 'none'}`,
        );
    const needs = route.auth_required ? ['session', ...permissions].join(', ') : 'public';
    const limits = routeLimits(route, config.default_rate_limit).map(
      (limit) =>
        `${limit.capacity} + ${limit.refill_per_second}/s per ${limit.scope}${limit.mode === 'shadow' ? ' (shadow)' : ''}`,
    );
    const extras = [
      needs,
      ...limits,
      ...(route.stream ? ['streamed in RESPONSE_STREAM mode'] : []),
    ];
    return [route.methods.join(','), route.path, route.id ?? route.path, extras.join('; ')];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  return rows.map((row) =>
    row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] as number) : cell)).join('  '),
  );
};

/** Shell-quotes a value for a printed command line when it needs it. */
export const shellQuote = (value: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
