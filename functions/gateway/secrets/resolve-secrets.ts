import { redisAuthTokenFrom } from './redis-auth-token';
import { type BoundedSecretsManager, createSecretsManagerClient } from './secrets-manager-client';
import { secretsManagerSecretSource } from './secrets-manager-secret-source';

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
 * - `REDIS_AUTH_SECRET_ARN` -> `REDIS_PASSWORD` (the ElastiCache AUTH token: a plain string, or
 *   `{"password"}`). The Redis wiring reads that secret again when Redis rejects the token.
 * Values already set directly (local runs, `sam local invoke`) win, and nothing is fetched.
 *
 * Every read is bounded (`createSecretsManagerClient`): with no route to Secrets Manager the init
 * fails in seconds with `SecretReadError`, naming Secrets Manager, the secret and the endpoint.
 */
export const resolveSecrets = async (
  env: Env = process.env,
  secrets?: BoundedSecretsManager,
): Promise<void> => {
  const sessionArn = env.SESSION_SECRET_ARN && !env.SESSION_SECRET ? env.SESSION_SECRET_ARN : '';
  const redisArn =
    env.REDIS_AUTH_SECRET_ARN && !env.REDIS_PASSWORD ? env.REDIS_AUTH_SECRET_ARN : '';
  if (!sessionArn && !redisArn) return;

  const bounded = secrets ?? createSecretsManagerClient(env);
  try {
    await Promise.all([
      sessionArn
        ? secretsManagerSecretSource(bounded, sessionArn)
            .read()
            .then((text) => {
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
      redisArn
        ? secretsManagerSecretSource(bounded, redisArn)
            .read()
            .then((text) => {
              env.REDIS_PASSWORD = redisAuthTokenFrom(text);
            })
        : undefined,
    ]);
  } finally {
    if (!secrets) bounded.client.destroy();
  }
};
