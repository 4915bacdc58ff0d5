import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { boundedCall, DeadlineExceededError } from '../http/bounded-call';
import type { SecretSource } from './secret-source';
import type { BoundedSecretsManager } from './secrets-manager-client';

/**
 * Reading a secret from Secrets Manager failed. The message names the service, the secret id and
 * the endpoint, and why (the SDK's error name and message, which carry no secret value), so a
 * missing route or a missing permission is recognisable from the init error alone.
 */
export class SecretReadError extends Error {
  readonly secretId: string;
  readonly endpoint: string;

  constructor(secretId: string, endpoint: string, detail: string, options?: { cause?: unknown }) {
    super(`Secrets Manager: cannot read secret ${secretId} at ${endpoint}: ${detail}`, options);
    this.name = 'SecretReadError';
    this.secretId = secretId;
    this.endpoint = endpoint;
  }
}

const NO_ROUTE_HINT =
  'no route to the endpoint? a VPC without NAT needs a Secrets Manager interface endpoint';

const detailOf = (thrown: unknown, timeoutMs: number): string => {
  if (!(thrown instanceof Error)) return 'unknown error';
  // Powertools wraps the SDK's error in its own `GetParameterError`; the SDK's says what happened.
  const error =
    thrown.name === 'GetParameterError' && thrown.cause instanceof Error ? thrown.cause : thrown;
  // The gateway's own deadline over every attempt, or the SDK's per-attempt connect/answer timeout.
  if (error instanceof DeadlineExceededError) {
    return `no answer within ${timeoutMs} ms (${NO_ROUTE_HINT})`;
  }
  if (error.name === 'TimeoutError') return `timed out: ${error.message} (${NO_ROUTE_HINT})`;
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `${code} (is the endpoint reachable from here?)`;
  }
  return `${error.name}: ${error.message}`;
};

/**
 * One Powertools provider per client, so every reader of a secret shares its cache (one
 * `GetSecretValue` per secret and `maxAge`, however many parts of the wiring read it).
 */
const providers = new WeakMap<BoundedSecretsManager, SecretsProvider>();

const providerFor = (secrets: BoundedSecretsManager): SecretsProvider => {
  let provider = providers.get(secrets);
  if (!provider) {
    provider = new SecretsProvider({ awsSdkV3Client: secrets.client });
    providers.set(secrets, provider);
  }
  return provider;
};

/**
 * A secret's `SecretString` through Powertools Parameters: from its cache while younger than
 * `secrets.maxAgeSeconds` (unless `forceFetch`), else from Secrets Manager, within the gateway's
 * own deadline (Powertools has none; the client's per-attempt timeouts bound what runs on after it).
 */
export const readSecret = async (
  secrets: BoundedSecretsManager,
  secretId: string,
  options: { readonly forceFetch?: boolean } = {},
): Promise<string> => {
  let value: unknown;
  try {
    value = await boundedCall(
      () =>
        providerFor(secrets).get(secretId, {
          maxAge: secrets.maxAgeSeconds,
          forceFetch: options.forceFetch ?? false,
        }),
      secrets.timeoutMs,
    );
  } catch (error) {
    throw new SecretReadError(secretId, secrets.endpoint, detailOf(error, secrets.timeoutMs), {
      cause: error,
    });
  }
  if (typeof value !== 'string' || value === '') {
    throw new SecretReadError(secretId, secrets.endpoint, 'the secret has no string value');
  }
  return value;
};

/**
 * A Secrets Manager secret as a `SecretSource`: each `read` asks Secrets Manager (the callers, such
 * as the Redis AUTH rotation, read again because the value they hold was refused).
 */
export const secretsManagerSecretSource = (
  secrets: BoundedSecretsManager,
  secretId: string,
): SecretSource => ({
  description: `Secrets Manager secret ${secretId}`,
  read: () => readSecret(secrets, secretId, { forceFetch: true }),
});
