import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { loadGatewaySecrets } from '../../../functions/gateway/secrets/gateway-secrets';
import type { BoundedSecretsManager } from '../../../functions/gateway/secrets/secrets-manager-client';

const secretsMock = mockClient(SecretsManagerClient);
const ENDPOINT = 'https://secretsmanager.eu-west-1.amazonaws.com';
const CURRENT = 'session-key-current-0123456789abcdef';
const OLD_1 = 'session-key-old-one-0123456789abcdef';
const OLD_2 = 'session-key-old-two-0123456789abcdef';

/** A client of its own per test: Powertools caches per client, so no test sees another's values. */
const manager = (): BoundedSecretsManager => ({
  client: new SecretsManagerClient({ region: 'eu-west-1' }),
  endpoint: ENDPOINT,
  timeoutMs: 300,
  maxAgeSeconds: 300,
});

describe('Secrets: loadGatewaySecrets', () => {
  beforeEach(() => secretsMock.reset());

  it('reads the session secret document, the AUTH token and the login secrets as typed values', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:session' })
      .resolves({ SecretString: JSON.stringify({ current: CURRENT, previous: [OLD_1, OLD_2] }) })
      .on(GetSecretValueCommand, { SecretId: 'arn:redis' })
      .resolves({ SecretString: 'auth-token' })
      .on(GetSecretValueCommand, { SecretId: 'arn:client' })
      .resolves({ SecretString: 'provider-client-value' })
      .on(GetSecretValueCommand, { SecretId: 'arn:key' })
      .resolves({ SecretString: 'generated-key-value' });
    const env: Record<string, string | undefined> = {
      SESSION_SECRET_ARN: 'arn:session',
      REDIS_AUTH_SECRET_ARN: 'arn:redis',
      OIDC_CLIENT_SECRET_ARN: 'arn:client',
      OIDC_TOKEN_KEY_ARN: 'arn:key',
    };
    const before = { ...env };

    const secrets = await loadGatewaySecrets(env, { secretsManager: manager() });

    expect(secrets.sessionKeys?.keys()).toEqual([CURRENT, OLD_1, OLD_2]);
    expect(secrets.redisAuthToken).toBe('auth-token');
    expect(secrets.oidcClientSecret).toBe('provider-client-value');
    expect(secrets.oidcTokenKey).toBe('generated-key-value');
    expect(env).toEqual(before);
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
  });

  it('accepts a plain-string session secret', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: CURRENT });

    const secrets = await loadGatewaySecrets(
      { SESSION_SECRET_ARN: 'arn:session' },
      { secretsManager: manager() },
    );

    expect(secrets.sessionKeys?.keys()).toEqual([CURRENT]);
  });

  it('fetches nothing when the values are set directly (local runs, sam local invoke)', async () => {
    const secrets = await loadGatewaySecrets(
      {
        SESSION_SECRET_ARN: 'arn:session',
        SESSION_SECRET: ` ${CURRENT} `,
        SESSION_SECRET_PREVIOUS: `${OLD_1}, ${OLD_2},,`,
        REDIS_AUTH_SECRET_ARN: '',
        OIDC_CLIENT_SECRET: 'direct',
        OIDC_CLIENT_SECRET_ARN: 'arn:client',
      },
      { secretsManager: manager() },
    );

    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
    expect(secrets.sessionKeys?.keys()).toEqual([CURRENT, OLD_1, OLD_2]);
    expect(secrets.oidcClientSecret).toBe('direct');
    expect(secrets.refresh()).toBeUndefined();
  });

  it('has no session keys without SESSION_SECRET or its ARN (protected routes then answer 401)', async () => {
    const secrets = await loadGatewaySecrets({ SESSION_SECRET: '   ' });

    expect(secrets.sessionKeys).toBeUndefined();
    expect(secrets.redisAuthToken).toBeUndefined();
  });

  it('refuses a session key too short to sign with, naming the rule', async () => {
    await expect(loadGatewaySecrets({ SESSION_SECRET: 'short' })).rejects.toThrow(
      'Session secrets must be at least 32 characters long',
    );
  });

  it('fails the init with the secret named when it cannot be read', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    await expect(
      loadGatewaySecrets({ SESSION_SECRET_ARN: 'arn:missing' }, { secretsManager: manager() }),
    ).rejects.toThrow(
      `Secrets Manager: cannot read secret arn:missing at ${ENDPOINT}: ResourceNotFoundException: not found`,
    );
  });

  it('names the service, the secret and the endpoint when access is denied', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    secretsMock.on(GetSecretValueCommand).rejects(denied);

    await expect(
      loadGatewaySecrets({ OIDC_TOKEN_KEY_ARN: 'arn:key' }, { secretsManager: manager() }),
    ).rejects.toThrow(
      `Secrets Manager: cannot read secret arn:key at ${ENDPOINT}: AccessDeniedException`,
    );
  });

  it('calls an SDK timeout a missing route, naming the endpoint', async () => {
    const timeout = Object.assign(new Error('Request did not complete within 2000 ms'), {
      name: 'TimeoutError',
    });
    secretsMock.on(GetSecretValueCommand).rejects(timeout);

    await expect(
      loadGatewaySecrets({ SESSION_SECRET_ARN: 'arn:session' }, { secretsManager: manager() }),
    ).rejects.toThrow(
      /Secrets Manager: cannot read secret arn:session at .*: timed out: Request did not complete within 2000 ms \(no route/,
    );
  });

  it('gives up on a call that never settles at its own deadline', async () => {
    secretsMock.on(GetSecretValueCommand).callsFake(() => new Promise(() => undefined));

    await expect(
      loadGatewaySecrets({ SESSION_SECRET_ARN: 'arn:session' }, { secretsManager: manager() }),
    ).rejects.toThrow('no answer within 300 ms');
  });

  it('names a secret without a string value, and never the value of another', async () => {
    secretsMock
      .on(GetSecretValueCommand, { SecretId: 'arn:session' })
      .resolves({ SecretString: CURRENT })
      .on(GetSecretValueCommand, { SecretId: 'arn:redis' })
      .resolves({});

    const error = await loadGatewaySecrets(
      { SESSION_SECRET_ARN: 'arn:session', REDIS_AUTH_SECRET_ARN: 'arn:redis' },
      { secretsManager: manager() },
    ).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );

    expect(error?.message).toBe(
      `Secrets Manager: cannot read secret arn:redis at ${ENDPOINT}: the secret has no string value`,
    );
    expect(error?.message).not.toContain(CURRENT);
  });

  it('takes the AUTH token from a {"password"} document (AWS rotation functions write that shape)', async () => {
    secretsMock
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ password: 'rotated-token-0123456789' }) });

    const secrets = await loadGatewaySecrets(
      { REDIS_AUTH_SECRET_ARN: 'arn:redis' },
      { secretsManager: manager() },
    );

    expect(secrets.redisAuthToken).toBe('rotated-token-0123456789');
    expect(secrets.redisAuthTokenSource?.description).toBe('Secrets Manager secret arn:redis');
  });

  it('refuses a session secret document without a current value', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: '{"previous":"x"}' });

    await expect(
      loadGatewaySecrets({ SESSION_SECRET_ARN: 'arn:session' }, { secretsManager: manager() }),
    ).rejects.toThrow('no "current" value');
  });
});
