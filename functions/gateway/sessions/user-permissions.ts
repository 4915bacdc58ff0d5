/** A session's own permissions plus every permission its roles grant in the config. */
export const resolvePermissions = (
  session: { readonly roles: readonly string[]; readonly permissions: readonly string[] },
  roleGrants: Readonly<Record<string, readonly string[]>>,
): Set<string> => {
  const held = new Set(session.permissions);
  for (const role of session.roles) {
    for (const permission of roleGrants[role] ?? []) held.add(permission);
  }
  return held;
};

/** The required permissions the user lacks; `*` held means none. */
export const missingPermissions = (
  required: readonly string[],
  held: ReadonlySet<string>,
): string[] => (held.has('*') ? [] : required.filter((permission) => !held.has(permission)));
