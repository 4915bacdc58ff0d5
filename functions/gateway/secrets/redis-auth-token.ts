/**
 * The ElastiCache AUTH token from its secret: a plain string (what the stack generates), or a JSON
 * object with a `password` field (the shape of AWS's ElastiCache rotation functions). A token can
 * never parse as a JSON object: ElastiCache refuses `"` in tokens.
 */
export const redisAuthTokenFrom = (secretString: string): string => {
  if (!secretString.startsWith('{')) return secretString;
  let document: unknown;
  try {
    document = JSON.parse(secretString);
  } catch {
    return secretString;
  }
  const password = (document as { password?: unknown } | null)?.password;
  if (typeof password !== 'string' || password === '') {
    throw new Error('The Redis AUTH token secret is a JSON object without a "password" string');
  }
  return password;
};
