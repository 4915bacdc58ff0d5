import type { Logger } from '@aws-lambda-powertools/logger';
import type { Environment } from '../config/environment-names';
import type { GatewayConfig } from '../config/schema';
import type { SessionWiring } from '../sessions/session-wiring';
import { AccessTokens } from './access-tokens';
import { type LoginRoutes, loginRoutes } from './login-routes';
import { LoginSessionStore } from './login-session-store';
import { OidcProviderClient } from './oidc-provider-client';
import { type OidcSecrets, oidcSettingsFromEnv } from './oidc-settings';
import { SealedBox } from './sealed-box';

export interface LoginWiring {
  readonly routes: LoginRoutes;
  readonly accessTokens: AccessTokens;
}

/**
 * The login flow wired from the config's `auth.oidc`, the environment and the login's secrets, on the sessions'
 * table and client; undefined when login is not configured. Throws at init on a setting that
 * cannot work (no token key, `COOKIE_SECURE=false` on Lambda, an http issuer that is not local).
 */
export const wireLogin = (
  config: GatewayConfig,
  sessions: SessionWiring | undefined,
  settings: { readonly tableName: string; readonly timeoutMs: number } | undefined,
  logger: Logger,
  secrets: OidcSecrets,
  env: Environment = process.env,
): LoginWiring | undefined => {
  const oidc = config.auth.oidc;
  if (!oidc) return undefined;
  if (!sessions || !settings) {
    throw new Error(
      'auth.oidc needs the session store: set SESSION_SECRET (or SESSION_SECRET_ARN)',
    );
  }
  const envSettings = oidcSettingsFromEnv(oidc.issuer, env, secrets);
  const provider = new OidcProviderClient(oidc, envSettings);
  const loginStore = new LoginSessionStore(sessions.client, settings.tableName, settings.timeoutMs);
  const tokenBox = new SealedBox(envSettings.tokenKey, 'gateway-oidc-tokens');
  return {
    routes: loginRoutes({
      config: oidc,
      cookieName: config.sessions.cookie_name,
      roles: config.roles,
      cookies: envSettings.cookies,
      httpOrigin: envSettings.httpOrigin,
      provider,
      signer: sessions.signer,
      sessions: sessions.store,
      loginStore,
      flowBox: new SealedBox(envSettings.tokenKey, 'gateway-oidc-login-flow'),
      tokenBox,
      logger,
    }),
    accessTokens: new AccessTokens({
      provider,
      loginStore,
      sessions: sessions.store,
      tokenBox,
      logger,
    }),
  };
};
