import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type Env = Record<string, string | undefined>;

/** The session secret as the stack stores it: `{"current": "...", "previous": ["..."]}`. */
interface SessionSecretDocument {
  current?: unknown;
  previous?: unknown;
}

const asList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];

/**
 * Reads the secrets the stack keeps in Secrets Manager, once, at init, into the settings the rest
 * of the wiring reads (so no secret ever sits in a plain Lambda environment variable):
 * - `SESSION_SECRET_ARN` -> `SESSION_SECRET` and `SESSION_SECRET_PREVIOUS`
 *   (a JSON document `{"current", "previous"}`, or a plain string);
 * - `REDIS_AUTH_SECRET_ARN` -> `REDIS_PASSWORD` (the ElastiCache AUTH token, a plain string).
 * Values already set directly (local runs, `sam local invoke`) win, and nothing is fetched.
 */
export const resolveSecrets = async (
  env: Env = process.env,
  client?: SecretsManagerClient,
): Promise<void> => {
  const wanted = [
    env.SESSION_SECRET_ARN && !env.SESSION_SECRET ? 'session' : undefined,
    env.REDIS_AUTH_SECRET_ARN && !env.REDIS_PASSWORD ? 'redis' : undefined,
  ].filter((name) => name !== undefined);
  if (wanted.length === 0) return;

  const secrets = client ?? new SecretsManagerClient({ maxAttempts: 3 });
  const read = async (secretId: string): Promise<string> => {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`Secret ${secretId} has no string value`);
    return SecretString;
  };
  await Promise.all([
    wanted.includes('session') && env.SESSION_SECRET_ARN
      ? read(env.SESSION_SECRET_ARN).then((text) => {
          let document: SessionSecretDocument | undefined;
          try {
            document = JSON.parse(text) as SessionSecretDocument;
          } catch {
            document = undefined;
          }
          const current = document ? asList(document.current)[0] : text;
          if (!current) throw new Error('The session secret has no "current" value');
          env.SESSION_SECRET = current;
          const previous = document ? asList(document.previous) : [];
          if (previous.length > 0) env.SESSION_SECRET_PREVIOUS = previous.join(',');
        })
      : undefined,
    wanted.includes('redis') && env.REDIS_AUTH_SECRET_ARN
      ? read(env.REDIS_AUTH_SECRET_ARN).then((text) => {
          env.REDIS_PASSWORD = text;
        })
      : undefined,
  ]);
  if (!client) secrets.destroy();
};
