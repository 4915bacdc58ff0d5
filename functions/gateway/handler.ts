import { resolveOidcSecrets } from './auth/resolve-oidc-secrets';
import { resolveSecrets } from './secrets/resolve-secrets';
import { wireGatewayFromEnv } from './wiring';

/**
 * The Lambda entry point (an ES module, so init may await). Everything here runs once per
 * container: secrets are read from Secrets Manager, then the gateway is wired; a bad route table
 * fails the init with a message naming the route and field, instead of failing every request.
 */
await Promise.all([resolveSecrets(), resolveOidcSecrets()]);
export const handler = await wireGatewayFromEnv();
