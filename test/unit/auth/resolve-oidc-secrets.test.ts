import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resolveOidcSecrets } from '../../../functions/gateway/auth/resolve-oidc-secrets';
import type { BoundedSecretsManager } from '../../../functions/gateway/secrets/secrets-manager-client';

const secretsMock = mockClient(SecretsManagerClient);
const client: BoundedSecretsManager = {
  client: new SecretsManagerClient({ region: 'eu-west-1' }),
  endpoint: 'https://secretsmanager.eu-west-1.amazonaws.com',
  timeoutMs: 300,
};

describe('Secrets: resolveOidcSecrets', () => {
  beforeEach(() => secretsMock.reset());

  it('reads the client secret and the token key from their ARNs at init', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:client' })
      .resolves({ SecretString: 'provider-client-value' })
      .on(GetSecretValueCommand, { SecretId: 'arn:key' })
      .resolves({ SecretString: 'generated-key-value' });
    const env: Record<string, string | undefined> = {
      OIDC_CLIENT_SECRET_ARN: 'arn:client',
      OIDC_TOKEN_KEY_ARN: 'arn:key',
    };

    await resolveOidcSecrets(env, client);

    expect(env).toMatchObject({
      OIDC_CLIENT_SECRET: 'provider-client-value',
      OIDC_TOKEN_KEY: 'generated-key-value',
    });
  });

  it('fetches nothing for a value set directly', async () => {
    const env: Record<string, string | undefined> = {
      OIDC_CLIENT_SECRET: 'direct',
      OIDC_CLIENT_SECRET_ARN: 'arn:client',
    };

    await resolveOidcSecrets(env, client);

    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
    expect(env.OIDC_CLIENT_SECRET).toBe('direct');
  });

  it('fails the init naming the secret when it cannot be read', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    await expect(resolveOidcSecrets({ OIDC_TOKEN_KEY_ARN: 'arn:missing' }, client)).rejects.toThrow(
      'Secrets Manager: cannot read secret arn:missing',
    );
  });
});
