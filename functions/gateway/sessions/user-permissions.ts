/** Role name -> the permissions it grants, built once at init from the config's `roles`. */
export type RoleGrants = ReadonlyMap<string, readonly string[]>;

/**
 * The config's roles as a Map. Role names on a session come from the table, so they are looked up
 * as data: on a plain object, `constructor` or `__proto__` would find the prototype's members.
 */
export const roleGrantsFrom = (roles: Readonly<Record<string, readonly string[]>>): RoleGrants =>
  new Map(Object.entries(roles));

/** A session's own permissions plus every permission its roles grant in the config. */
export const resolvePermissions = (
  session: { readonly roles: readonly string[]; readonly permissions: readonly string[] },
  roleGrants: RoleGrants,
): Set<string> => {
  const held = new Set(session.permissions);
  for (const role of session.roles) {
    for (const permission of roleGrants.get(role) ?? []) held.add(permission);
  }
  return held;
};

/** The required permissions the user lacks; `*` held means none. */
export const missingPermissions = (
  required: readonly string[],
  held: ReadonlySet<string>,
): string[] => (held.has('*') ? [] : required.filter((permission) => !held.has(permission)));
