import type { HttpMethod } from './http-methods';

/**
 * A route's `permissions` as the schema (`route-permissions.ts`) outputs them, and the lookups
 * requests make on them. Apart from the schema, so the function's bundle does not load zod's
 * config schemas to answer a request.
 */
export type RoutePermissions = string[] | Record<string, string[]>;

const NONE: readonly string[] = [];

/** The permissions a request with `method` needs on a route with these `permissions`. */
export const requiredPermissions = (
  permissions: RoutePermissions,
  method: HttpMethod | string,
): readonly string[] => {
  if (Array.isArray(permissions)) return permissions;
  const byMethod = permissions as Readonly<Record<string, readonly string[]>>;
  return byMethod[method === 'HEAD' ? 'GET' : method] ?? NONE;
};

/** Every permission some method of the route needs. */
export const anyMethodPermissions = (permissions: RoutePermissions): readonly string[] =>
  Array.isArray(permissions) ? permissions : [...new Set(Object.values(permissions).flat())];

/**
 * The permissions every method of the route needs: what a request through it is sure to have
 * been checked for (a method missing from a map needs none).
 */
export const everyMethodPermissions = (
  permissions: RoutePermissions,
  methods: readonly string[],
): readonly string[] => {
  if (Array.isArray(permissions)) return permissions;
  const lists = methods
    .filter((method) => method !== 'HEAD' && method !== 'OPTIONS')
    .map((method) => requiredPermissions(permissions, method));
  const [first, ...rest] = lists;
  return (first ?? []).filter((permission) => rest.every((list) => list.includes(permission)));
};
