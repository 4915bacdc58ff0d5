import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  optionalSetting,
  parseEnvironment,
  setting,
  text,
  wholeNumber,
} from '../config/env-schema';
import {
  DEFAULT_SECRETS_MAX_AGE_SECONDS,
  type Environment,
  EnvName,
} from '../config/environment-names';

/** Per-attempt and overall bounds of every Secrets Manager call (milliseconds). */
export const SecretsManagerTimeouts = {
  /** TCP (and TLS) connect, per attempt: a missing route (no NAT, no endpoint) shows here. */
  connectMs: 1000,
  /** A connected endpoint that does not answer (a black hole), per attempt. */
  requestMs: 2000,
  /** The whole read, every attempt included, enforced by the gateway itself (`boundedCall`). */
  overallMs: 5000,
} as const;

const secretsEnvironment = {
  [EnvName.SECRETS_TIMEOUT_MS]: setting(
    wholeNumber(EnvName.SECRETS_TIMEOUT_MS, { min: 1, max: 60_000, unit: 'milliseconds' }),
    SecretsManagerTimeouts.overallMs,
  ),
  [EnvName.SECRETS_MAX_AGE_SECONDS]: setting(
    wholeNumber(EnvName.SECRETS_MAX_AGE_SECONDS, { min: 1, max: 86_400, unit: 'seconds' }),
    DEFAULT_SECRETS_MAX_AGE_SECONDS,
  ),
  [EnvName.AWS_ENDPOINT_URL_SECRETS_MANAGER]: optionalSetting(text()),
  [EnvName.AWS_ENDPOINT_URL]: optionalSetting(text()),
  [EnvName.AWS_REGION]: optionalSetting(text()),
  [EnvName.AWS_DEFAULT_REGION]: optionalSetting(text()),
};

export interface BoundedSecretsManager {
  readonly client: SecretsManagerClient;
  /** The endpoint calls go to, for error messages: set explicitly, or the region's default. */
  readonly endpoint: string;
  /** The overall deadline of one read. */
  readonly timeoutMs: number;
  /** How long a value read is trusted before the next use reads it again (seconds). */
  readonly maxAgeSeconds: number;
}

/**
 * The Secrets Manager client, with timeouts so a missing route fails in seconds rather than
 * holding the init until Lambda kills it. `requestTimeout` alone only logs a warning unless
 * `throwOnRequestTimeout` is set (docs/decisions/0053); the caller bounds the whole read too.
 * `SECRETS_TIMEOUT_MS` sets the overall deadline, `SECRETS_MAX_AGE_SECONDS` how long a value
 * is cached (default 300); the endpoint comes from
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or `AWS_ENDPOINT_URL`) when set, as the SDK reads them, and
 * is read here so errors can name it.
 */
export const createSecretsManagerClient = (
  env: Environment = process.env,
): BoundedSecretsManager => {
  const settings = parseEnvironment(secretsEnvironment, env);
  const timeoutMs = settings.SECRETS_TIMEOUT_MS;
  const explicitEndpoint = settings.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? settings.AWS_ENDPOINT_URL;
  const region = settings.AWS_REGION ?? settings.AWS_DEFAULT_REGION;
  const client = new SecretsManagerClient({
    ...(region ? { region } : {}),
    ...(explicitEndpoint ? { endpoint: explicitEndpoint } : {}),
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: Math.min(SecretsManagerTimeouts.connectMs, timeoutMs),
      requestTimeout: Math.min(SecretsManagerTimeouts.requestMs, timeoutMs),
      throwOnRequestTimeout: true,
    },
  });
  return {
    client,
    endpoint: explicitEndpoint ?? `https://secretsmanager.${region ?? '<no region>'}.amazonaws.com`,
    timeoutMs,
    maxAgeSeconds: settings.SECRETS_MAX_AGE_SECONDS,
  };
};
