import type { OidcConfig } from '../config/schema';

/** What ends up in upstream headers: printable ASCII without the list separator (as the store checks). */
const HEADER_SAFE = /^[\x20-\x2b\x2d-\x7e]{1,256}$/;

/** A claim by name, or by dotted path (`realm_access.roles`) when no claim has that exact name. */
const claimAt = (claims: Readonly<Record<string, unknown>>, name: string): unknown => {
  if (Object.hasOwn(claims, name)) return claims[name];
  let current: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[part];
  }
  return current;
};

/** The user id claim as a string fit for the session record, or undefined. */
export const userIdFrom = (
  claims: Readonly<Record<string, unknown>>,
  config: Pick<OidcConfig, 'user_id_claim'>,
): string | undefined => {
  const value = claimAt(claims, config.user_id_claim);
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof text === 'string' && HEADER_SAFE.test(text) ? text : undefined;
};

/**
 * The gateway roles of the user: each value of the roles claim (a list, or a single string) looked
 * up in `role_mapping` (values without an entry grant nothing), plus `default_roles`.
 */
export const rolesFrom = (
  claims: Readonly<Record<string, unknown>>,
  config: Pick<OidcConfig, 'roles_claim' | 'role_mapping' | 'default_roles'>,
): string[] => {
  const roles = new Set(config.default_roles);
  const raw = config.roles_claim ? claimAt(claims, config.roles_claim) : undefined;
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  for (const value of values) {
    if (typeof value !== 'string' || !Object.hasOwn(config.role_mapping, value)) continue;
    for (const role of config.role_mapping[value] ?? []) roles.add(role);
  }
  return [...roles].sort();
};
