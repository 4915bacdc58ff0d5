import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resolveSecrets } from '../../../functions/gateway/secrets/resolve-secrets';

const secretsMock = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });

describe('Secrets: resolveSecrets', () => {
  beforeEach(() => secretsMock.reset());

  it('reads the session secret document and the AUTH token into the settings', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:session' })
      .resolves({
        SecretString: JSON.stringify({ current: 'new-secret', previous: ['old-1', 'old-2'] }),
      })
      .on(GetSecretValueCommand, { SecretId: 'arn:redis' })
      .resolves({ SecretString: 'auth-token' });
    const env: Record<string, string | undefined> = {
      SESSION_SECRET_ARN: 'arn:session',
      REDIS_AUTH_SECRET_ARN: 'arn:redis',
    };

    await resolveSecrets(env, client);

    expect(env).toMatchObject({
      SESSION_SECRET: 'new-secret',
      SESSION_SECRET_PREVIOUS: 'old-1,old-2',
      REDIS_PASSWORD: 'auth-token',
    });
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('accepts a plain-string session secret', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'plain-secret' });
    const env: Record<string, string | undefined> = { SESSION_SECRET_ARN: 'arn:session' };

    await resolveSecrets(env, client);

    expect(env.SESSION_SECRET).toBe('plain-secret');
  });

  it('fetches nothing when the values are set directly (local runs, sam local invoke)', async () => {
    const env: Record<string, string | undefined> = {
      SESSION_SECRET_ARN: 'arn:session',
      SESSION_SECRET: 'direct',
      REDIS_AUTH_SECRET_ARN: '',
    };

    await resolveSecrets(env, client);

    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
    expect(env.SESSION_SECRET).toBe('direct');
  });

  it('fails the init with the secret named when it cannot be read', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    await expect(resolveSecrets({ SESSION_SECRET_ARN: 'arn:missing' }, client)).rejects.toThrow(
      'not found',
    );
  });

  it('refuses a session secret document without a current value', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"previous":"x"}' });

    await expect(resolveSecrets({ SESSION_SECRET_ARN: 'arn:session' }, client)).rejects.toThrow(
      'no "current" value',
    );
  });
});
