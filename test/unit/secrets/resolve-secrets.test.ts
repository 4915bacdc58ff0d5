import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { resolveSecrets } from '../../../functions/gateway/secrets/resolve-secrets';
import type { BoundedSecretsManager } from '../../../functions/gateway/secrets/secrets-manager-client';

const secretsMock = mockClient(SecretsManagerClient);
const ENDPOINT = 'https://secretsmanager.eu-west-1.amazonaws.com';
const client: BoundedSecretsManager = {
  client: new SecretsManagerClient({ region: 'eu-west-1' }),
  endpoint: ENDPOINT,
  timeoutMs: 300,
};

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
      `Secrets Manager: cannot read secret arn:missing at ${ENDPOINT}: ResourceNotFoundException: not found`,
    );
  });

  it('names the service, the secret and the endpoint when access is denied', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    secretsMock.on(GetSecretValueCommand).rejects(denied);

    await expect(resolveSecrets({ REDIS_AUTH_SECRET_ARN: 'arn:redis' }, client)).rejects.toThrow(
      `Secrets Manager: cannot read secret arn:redis at ${ENDPOINT}: AccessDeniedException`,
    );
  });

  it('calls an SDK timeout a missing route, naming the endpoint', async () => {
    const timeout = Object.assign(new Error('Request did not complete within 2000 ms'), {
      name: 'TimeoutError',
    });
    secretsMock.on(GetSecretValueCommand).rejects(timeout);

    await expect(resolveSecrets({ SESSION_SECRET_ARN: 'arn:session' }, client)).rejects.toThrow(
      /Secrets Manager: cannot read secret arn:session at .*: timed out: Request did not complete within 2000 ms \(no route/,
    );
  });

  it('gives up on a call that never settles at its own deadline', async () => {
    secretsMock.on(GetSecretValueCommand).callsFake(() => new Promise(() => undefined));
    const started = performance.now();

    await expect(resolveSecrets({ SESSION_SECRET_ARN: 'arn:session' }, client)).rejects.toThrow(
      'no answer within 300 ms',
    );
    // Generous: 10x the deadline.
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('names a secret without a string value, and never the value of another', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:session' })
      .resolves({ SecretString: 'session-secret-value-0123456789' })
      .on(GetSecretValueCommand, { SecretId: 'arn:redis' })
      .resolves({});

    const error = await resolveSecrets(
      { SESSION_SECRET_ARN: 'arn:session', REDIS_AUTH_SECRET_ARN: 'arn:redis' },
      client,
    ).catch((reason: unknown) => reason as Error);

    expect(error?.message).toBe(
      `Secrets Manager: cannot read secret arn:redis at ${ENDPOINT}: the secret has no string value`,
    );
    expect(error?.message).not.toContain('session-secret-value');
  });

  it('takes the AUTH token from a {"password"} document (AWS rotation functions write that shape)', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ password: 'rotated-token-0123456789' }) });
    const env: Record<string, string | undefined> = { REDIS_AUTH_SECRET_ARN: 'arn:redis' };

    await resolveSecrets(env, client);

    expect(env.REDIS_PASSWORD).toBe('rotated-token-0123456789');
  });

  it('refuses a session secret document without a current value', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"previous":"x"}' });

    await expect(resolveSecrets({ SESSION_SECRET_ARN: 'arn:session' }, client)).rejects.toThrow(
      'no "current" value',
    );
  });
});
