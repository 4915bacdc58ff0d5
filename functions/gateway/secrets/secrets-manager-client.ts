import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type Env = Readonly<Record<string, string | undefined>>;

/** Per-attempt and overall bounds of every Secrets Manager call (milliseconds). */
export const SecretsManagerTimeouts = {
  /** TCP (and TLS) connect, per attempt: a missing route (no NAT, no endpoint) shows here. */
  connectMs: 1000,
  /** A connected endpoint that does not answer (a black hole), per attempt. */
  requestMs: 2000,
  /** The whole read, every attempt included, enforced by the gateway itself (`boundedCall`). */
  overallMs: 5000,
} as const;

export interface BoundedSecretsManager {
  readonly client: SecretsManagerClient;
  /** The endpoint calls go to, for error messages: set explicitly, or the region's default. */
  readonly endpoint: string;
  /** The overall deadline of one read. */
  readonly timeoutMs: number;
}

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0)
    throw new Error(`${name} must be a positive number, got "${value}"`);
  return number;
};

/**
 * The Secrets Manager client, with timeouts so a missing route fails in seconds rather than
 * holding the init until Lambda kills it. `requestTimeout` alone only logs a warning unless
 * `throwOnRequestTimeout` is set (docs/decisions/0053); the caller bounds the whole read too.
 * `SECRETS_TIMEOUT_MS` sets the overall deadline; the endpoint comes from
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` (or `AWS_ENDPOINT_URL`) when set, as the SDK reads them, and
 * is read here so errors can name it.
 */
export const createSecretsManagerClient = (env: Env = process.env): BoundedSecretsManager => {
  const timeoutMs = positive(
    'SECRETS_TIMEOUT_MS',
    env.SECRETS_TIMEOUT_MS,
    SecretsManagerTimeouts.overallMs,
  );
  const explicitEndpoint =
    env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
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
  };
};
