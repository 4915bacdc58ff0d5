import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
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

const detailOf = (error: unknown, timeoutMs: number): string => {
  if (!(error instanceof Error)) return 'unknown error';
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

/** A Secrets Manager secret's `SecretString`, read with the gateway's own deadline. */
export const secretsManagerSecretSource = (
  secrets: BoundedSecretsManager,
  secretId: string,
): SecretSource => ({
  description: `Secrets Manager secret ${secretId}`,
  read: async () => {
    let output: { SecretString?: string | undefined };
    try {
      output = await boundedCall(
        (abortSignal) =>
          secrets.client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal }),
        secrets.timeoutMs,
      );
    } catch (error) {
      throw new SecretReadError(secretId, secrets.endpoint, detailOf(error, secrets.timeoutMs), {
        cause: error,
      });
    }
    if (!output.SecretString) {
      throw new SecretReadError(secretId, secrets.endpoint, 'the secret has no string value');
    }
    return output.SecretString;
  },
});
