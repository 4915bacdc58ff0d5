import { randomBytes } from 'node:crypto';
import { type DevProvider, startDevProvider } from './oidc-dev-provider';

/** The local provider's port when `OIDC_PORT` does not say. */
const DEFAULT_OIDC_PORT = 8082;
const LOCAL_CLIENT_ID = 'gateway-local';

/**
 * Login for `npm start`: unless `OIDC_ISSUER` points at a provider already, starts the development
 * provider on loopback and sets what the gateway's `auth.oidc` reads (`OIDC_ISSUER`,
 * `OIDC_CLIENT_ID`, a fresh client secret and token key). `COOKIE_SECURE` defaults to false here,
 * because the local server speaks plain http.
 */
export const startLocalLogin = async (
  env: Record<string, string | undefined>,
  gatewayPort: number,
): Promise<DevProvider | undefined> => {
  env.COOKIE_SECURE ??= 'false';
  env.OIDC_TOKEN_KEY ??= randomBytes(32).toString('base64url');
  if (env.OIDC_ISSUER) return undefined;
  const clientSecret = randomBytes(32).toString('base64url');
  const provider = await startDevProvider({
    port: Number(env.OIDC_PORT ?? DEFAULT_OIDC_PORT),
    clientId: LOCAL_CLIENT_ID,
    clientSecret,
    gatewayOrigins: [`http://localhost:${gatewayPort}`, `http://127.0.0.1:${gatewayPort}`],
    ...(env.OIDC_ACCESS_TOKEN_TTL
      ? { accessTokenTtlSeconds: Number(env.OIDC_ACCESS_TOKEN_TTL) }
      : {}),
  });
  env.OIDC_ISSUER = provider.issuer;
  env.OIDC_CLIENT_ID = LOCAL_CLIENT_ID;
  env.OIDC_CLIENT_SECRET = clientSecret;
  return provider;
};
