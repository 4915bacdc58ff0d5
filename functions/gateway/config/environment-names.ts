/**
 * The names of the environment variables the gateway reads, in one place: the runtime's settings
 * parsers, their error messages and the stack that sets them (lib/) all use these constants, so a
 * renamed variable cannot leave the stack setting one the function no longer reads. Dependency-free
 * on purpose: the stack imports it at synth time (docs/architecture.md, "infra reads the config").
 * Meanings and defaults: docs/configuration.md, "Environment".
 */
export const EnvName = {
  GATEWAY_CONFIG: 'GATEWAY_CONFIG',
  GATEWAY_INVOKE_MODE: 'GATEWAY_INVOKE_MODE',
  GATEWAY_TRACING: 'GATEWAY_TRACING',
  GATEWAY_CLIENT_ADDRESS: 'GATEWAY_CLIENT_ADDRESS',

  SESSION_TABLE: 'SESSION_TABLE',
  SESSION_SECRET: 'SESSION_SECRET',
  SESSION_SECRET_PREVIOUS: 'SESSION_SECRET_PREVIOUS',
  SESSION_SECRET_ARN: 'SESSION_SECRET_ARN',
  DYNAMODB_ENDPOINT: 'DYNAMODB_ENDPOINT',
  DYNAMODB_TIMEOUT_MS: 'DYNAMODB_TIMEOUT_MS',

  REDIS_URL: 'REDIS_URL',
  REDIS_HOST: 'REDIS_HOST',
  REDIS_PORT: 'REDIS_PORT',
  REDIS_TLS: 'REDIS_TLS',
  REDIS_CLUSTER: 'REDIS_CLUSTER',
  REDIS_PASSWORD: 'REDIS_PASSWORD',
  REDIS_AUTH_SECRET_ARN: 'REDIS_AUTH_SECRET_ARN',
  REDIS_AUTH_REFRESH_INTERVAL_MS: 'REDIS_AUTH_REFRESH_INTERVAL_MS',
  REDIS_COMMAND_TIMEOUT_MS: 'REDIS_COMMAND_TIMEOUT_MS',
  REDIS_CONNECT_TIMEOUT_MS: 'REDIS_CONNECT_TIMEOUT_MS',

  SECRETS_TIMEOUT_MS: 'SECRETS_TIMEOUT_MS',
  SECRETS_MAX_AGE_SECONDS: 'SECRETS_MAX_AGE_SECONDS',

  OIDC_ISSUER: 'OIDC_ISSUER',
  OIDC_CLIENT_ID: 'OIDC_CLIENT_ID',
  OIDC_CLIENT_SECRET: 'OIDC_CLIENT_SECRET',
  OIDC_CLIENT_SECRET_ARN: 'OIDC_CLIENT_SECRET_ARN',
  OIDC_TOKEN_KEY: 'OIDC_TOKEN_KEY',
  OIDC_TOKEN_KEY_ARN: 'OIDC_TOKEN_KEY_ARN',
  COOKIE_DOMAIN: 'COOKIE_DOMAIN',
  COOKIE_SECURE: 'COOKIE_SECURE',

  AWS_REGION: 'AWS_REGION',
  AWS_DEFAULT_REGION: 'AWS_DEFAULT_REGION',
  AWS_ENDPOINT_URL: 'AWS_ENDPOINT_URL',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  AWS_LAMBDA_FUNCTION_NAME: 'AWS_LAMBDA_FUNCTION_NAME',
} as const;

export type EnvName = (typeof EnvName)[keyof typeof EnvName];

/** The environment as the settings parsers read it (`process.env`, or a test's own record). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * How long a secret read from Secrets Manager is trusted before it is read again (seconds): the
 * longest a container keeps verifying with session keys a rotation replaced. Here, beside its
 * variable's name, because the stack sets it too.
 */
export const DEFAULT_SECRETS_MAX_AGE_SECONDS = 300;
