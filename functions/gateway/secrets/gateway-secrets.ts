import { commaList } from '../config/comma-list';
import { optionalSetting, parseEnvironment, text } from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';
import type { SessionKeyRing } from '../sessions/session-signer';
import { redisAuthTokenFrom } from './redis-auth-token';
import { RotatingSecret } from './rotating-secret';
import type { SecretSource } from './secret-source';
import { type BoundedSecretsManager, createSecretsManagerClient } from './secrets-manager-client';
import { readSecret, secretsManagerSecretSource } from './secrets-manager-secret-source';
import { checkedSessionKeys, type SessionKeys, sessionKeysFrom } from './session-keys';

/**
 * The secrets the gateway runs with, as typed values handed to the wiring; never written into
 * `process.env`, so nothing that dumps or inherits the environment (a child process, a crash
 * report, `env` in a debug session) carries them.
 */
export interface GatewaySecrets {
  /** Unset: no session secret, so every `auth_required` route answers 401. */
  readonly sessionKeys?: SessionKeyRing;
  /** The Redis AUTH token (`REDIS_PASSWORD`, or read from `REDIS_AUTH_SECRET_ARN`). */
  readonly redisAuthToken?: string;
  /** Where the AUTH token is read again when Redis refuses it (after an ElastiCache rotation). */
  readonly redisAuthTokenSource?: SecretSource;
  readonly oidcClientSecret?: string;
  /** Text the login's AES keys are derived from (`OIDC_TOKEN_KEY`). */
  readonly oidcTokenKey?: string;
  /**
   * Reads the rotating secrets (the session keys) again when they are older than
   * `SECRETS_MAX_AGE_SECONDS`; undefined, at no cost, while they are fresh. Never rejects.
   */
  refresh(): Promise<void> | undefined;
}

export interface LoadSecretsOptions {
  /** Default: a client from the environment, created only when some secret lives in Secrets Manager. */
  readonly secretsManager?: BoundedSecretsManager;
  /** A re-read that failed, or a rotated value that was refused: the last good value stays. */
  readonly onRefreshError?: (error: unknown, secret: string) => void;
  readonly now?: () => number;
}

const secretsEnvironment = {
  [EnvName.SESSION_SECRET]: optionalSetting(text()),
  [EnvName.SESSION_SECRET_PREVIOUS]: optionalSetting(text()),
  [EnvName.SESSION_SECRET_ARN]: optionalSetting(text()),
  [EnvName.REDIS_PASSWORD]: optionalSetting(text()),
  [EnvName.REDIS_AUTH_SECRET_ARN]: optionalSetting(text()),
  [EnvName.OIDC_CLIENT_SECRET]: optionalSetting(text()),
  [EnvName.OIDC_CLIENT_SECRET_ARN]: optionalSetting(text()),
  [EnvName.OIDC_TOKEN_KEY]: optionalSetting(text()),
  [EnvName.OIDC_TOKEN_KEY_ARN]: optionalSetting(text()),
};

const ringOf = (keys: () => SessionKeys): SessionKeyRing => ({
  keys: () => {
    const { current, previous } = keys();
    return [current, ...previous];
  },
});

/**
 * The gateway's secrets, each from its own variable (local runs, `sam local invoke`) or, when only
 * its `*_ARN` is set (the stack), from Secrets Manager through Powertools Parameters, all read at
 * once at init:
 * - `SESSION_SECRET` (+ `SESSION_SECRET_PREVIOUS`), or `SESSION_SECRET_ARN`: a JSON document
 *   `{"current", "previous"}` or a plain string; read again after `SECRETS_MAX_AGE_SECONDS`, so a
 *   rotated key signs and verifies in every container within that age;
 * - `REDIS_PASSWORD`, or `REDIS_AUTH_SECRET_ARN` (a plain string or `{"password"}`): read again
 *   only when Redis refuses the token (`followAuthTokenRotation`);
 * - `OIDC_CLIENT_SECRET`, `OIDC_TOKEN_KEY`, or their `*_ARN`: read at init only (sessions sealed
 *   with a token key cannot be opened with the next one, so that key is not rotated under them).
 *
 * A read that fails fails the init with `SecretReadError` (naming the secret and the endpoint).
 */
export const loadGatewaySecrets = async (
  env: Environment = process.env,
  options: LoadSecretsOptions = {},
): Promise<GatewaySecrets> => {
  const settings = parseEnvironment(secretsEnvironment, env);
  const fromManager = {
    session: settings.SESSION_SECRET ? undefined : settings.SESSION_SECRET_ARN,
    redis: settings.REDIS_PASSWORD ? undefined : settings.REDIS_AUTH_SECRET_ARN,
    oidcClient: settings.OIDC_CLIENT_SECRET ? undefined : settings.OIDC_CLIENT_SECRET_ARN,
    oidcKey: settings.OIDC_TOKEN_KEY ? undefined : settings.OIDC_TOKEN_KEY_ARN,
  };
  const needsManager =
    Object.values(fromManager).some(Boolean) || Boolean(settings.REDIS_AUTH_SECRET_ARN);
  const manager = needsManager
    ? (options.secretsManager ?? createSecretsManagerClient(env))
    : undefined;
  const read = (secretId: string | undefined): Promise<string | undefined> =>
    manager && secretId ? readSecret(manager, secretId) : Promise.resolve(undefined);

  const [sessionText, redisText, oidcClientSecret, oidcTokenKey] = await Promise.all([
    read(fromManager.session),
    read(fromManager.redis),
    read(fromManager.oidcClient),
    read(fromManager.oidcKey),
  ]);

  let sessionKeys: SessionKeyRing | undefined;
  // Only the session keys rotate under a running gateway (the login's token key is read once).
  let refresh: () => Promise<void> | undefined = () => undefined;
  if (settings.SESSION_SECRET) {
    const keys = checkedSessionKeys(
      settings.SESSION_SECRET,
      commaList(settings.SESSION_SECRET_PREVIOUS),
    );
    sessionKeys = ringOf(() => keys);
  } else if (manager && fromManager.session && sessionText !== undefined) {
    const secretId = fromManager.session;
    const rotating = new RotatingSecret({
      initial: sessionKeysFrom(sessionText),
      read: () => readSecret(manager, secretId),
      parse: sessionKeysFrom,
      maxAgeMs: manager.maxAgeSeconds * 1000,
      onError: (error) => options.onRefreshError?.(error, secretId),
      ...(options.now ? { now: options.now } : {}),
    });
    sessionKeys = ringOf(() => rotating.value);
    refresh = () => rotating.refresh();
  }

  const redisAuthToken =
    settings.REDIS_PASSWORD ??
    (redisText === undefined ? undefined : redisAuthTokenFrom(redisText));
  const clientSecret = settings.OIDC_CLIENT_SECRET ?? oidcClientSecret?.trim();
  const tokenKey = settings.OIDC_TOKEN_KEY ?? oidcTokenKey;
  return {
    ...(sessionKeys ? { sessionKeys } : {}),
    ...(redisAuthToken ? { redisAuthToken } : {}),
    ...(manager && settings.REDIS_AUTH_SECRET_ARN
      ? {
          redisAuthTokenSource: secretsManagerSecretSource(manager, settings.REDIS_AUTH_SECRET_ARN),
        }
      : {}),
    ...(clientSecret ? { oidcClientSecret: clientSecret } : {}),
    ...(tokenKey ? { oidcTokenKey: tokenKey } : {}),
    refresh,
  };
};
