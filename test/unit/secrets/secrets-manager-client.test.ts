import { createSecretsManagerClient } from '../../../functions/gateway/secrets/secrets-manager-client';

describe('Secrets: createSecretsManagerClient', () => {
  it('names the endpoint set by AWS_ENDPOINT_URL_SECRETS_MANAGER and uses it', async () => {
    const secrets = createSecretsManagerClient({
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4566',
      SECRETS_TIMEOUT_MS: '1500',
    });

    const endpoint = await secrets.client.config.endpoint?.();
    expect(secrets.endpoint).toBe('http://127.0.0.1:4566');
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(secrets.timeoutMs).toBe(1500);
    secrets.client.destroy();
  });

  it("names the region's public endpoint by default, with a 5 s deadline", () => {
    const secrets = createSecretsManagerClient({ AWS_REGION: 'eu-central-1' });

    expect(secrets.endpoint).toBe('https://secretsmanager.eu-central-1.amazonaws.com');
    expect(secrets.timeoutMs).toBe(5000);
    secrets.client.destroy();
  });

  it.each(['0', '-1', 'fast'])(
    'refuses SECRETS_TIMEOUT_MS=%s with a message naming it',
    (value) => {
      expect(() => createSecretsManagerClient({ SECRETS_TIMEOUT_MS: value })).toThrow(
        `SECRETS_TIMEOUT_MS must be a positive number, got "${value}"`,
      );
    },
  );
});
