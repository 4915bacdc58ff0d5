const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expands `${NAME}` and `${NAME:-fallback}` from the environment, as a shell would.
 * Returns the names that are referenced but unset (and have no fallback) instead of
 * silently producing a broken URL.
 */
export const substituteEnv = (
  value: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } => {
  const missing: string[] = [];
  const expanded = value.replace(reference, (_match, name: string, fallback?: string) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing.push(name);
    return '';
  });
  return { value: expanded, missing };
};
