import { z } from 'zod';
import type { RoutePermissions } from './permission-lookup';

export const permissionName = z
  .string()
  .regex(/^[A-Za-z0-9_.:*-]{1,128}$/, { error: 'must be 1-128 of A-Z a-z 0-9 _ . : * -' });

/**
 * A route's `permissions`: a list (every method needs all of them), or a map from method to list
 * (`{ GET: [users:read], PUT: [users:write] }`), where a method the map leaves out needs a session
 * and nothing more. `HEAD` follows `GET`.
 */
export const routePermissionsSchema = z
  .union([z.array(permissionName), z.record(z.string(), z.array(permissionName))])
  .default([]);

export type { RoutePermissions };

/** Problems with a permission map against the route's methods, as `field: message`. */
export const permissionMapProblems = (
  permissions: RoutePermissions,
  methods: readonly string[],
): { field: string; message: string }[] => {
  if (Array.isArray(permissions)) return [];
  const problems: { field: string; message: string }[] = [];
  for (const method of Object.keys(permissions)) {
    if (method === 'HEAD') {
      problems.push({
        field: `permissions.${method}`,
        message: 'HEAD follows GET: put the permissions under GET',
      });
    } else if (!methods.includes(method)) {
      problems.push({
        field: `permissions.${method}`,
        message: `${JSON.stringify(method)} is not one of the route's methods (${methods.join(', ')})`,
      });
    }
  }
  return problems;
};
