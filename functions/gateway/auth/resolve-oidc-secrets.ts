import type { BoundedSecretsManager } from '../secrets/secrets-manager-client';
import { createSecretsManagerClient } from '../secrets/secrets-manager-client';
import { secretsManagerSecretSource } from '../secrets/secrets-manager-secret-source';

type Env = Record<string, string | undefined>;

/** `<NAME>_ARN` -> `<NAME>`, for the login secrets the stack keeps in Secrets Manager. */
const OIDC_SECRETS = ['OIDC_CLIENT_SECRET', 'OIDC_TOKEN_KEY'] as const;

/**
 * Reads the OpenID Connect client secret and the token key from Secrets Manager once, at init
 * (as `resolveSecrets` does for the session secret): each as a plain string. A value already set
 * directly wins and nothing is fetched. Bounded like every Secrets Manager read.
 */
export const resolveOidcSecrets = async (
  env: Env = process.env,
  secrets?: BoundedSecretsManager,
): Promise<void> => {
  const wanted = OIDC_SECRETS.filter((name) => env[`${name}_ARN`] && !env[name]);
  if (wanted.length === 0) return;
  const bounded = secrets ?? createSecretsManagerClient(env);
  try {
    await Promise.all(
      wanted.map(async (name) => {
        env[name] = await secretsManagerSecretSource(bounded, env[`${name}_ARN`] as string).read();
      }),
    );
  } finally {
    if (!secrets) bounded.client.destroy();
  }
};
