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

  it("names the region's public endpoint by default, with a 5 s deadline and a 300 s max age", () => {
    const secrets = createSecretsManagerClient({ AWS_REGION: 'eu-central-1' });

    expect(secrets.endpoint).toBe('https://secretsmanager.eu-central-1.amazonaws.com');
    expect(secrets.timeoutMs).toBe(5000);
    expect(secrets.maxAgeSeconds).toBe(300);
    secrets.client.destroy();
  });

  it('keeps a value read for SECRETS_MAX_AGE_SECONDS', () => {
    const secrets = createSecretsManagerClient({ SECRETS_MAX_AGE_SECONDS: '60' });

    expect(secrets.maxAgeSeconds).toBe(60);
    secrets.client.destroy();
  });

  it.each(['0', '-1', 'fast', '1.5', '60001'])(
    'refuses SECRETS_TIMEOUT_MS=%s with a message naming it',
    (value) => {
      expect(() => createSecretsManagerClient({ SECRETS_TIMEOUT_MS: value })).toThrow(
        `SECRETS_TIMEOUT_MS must be a whole number of milliseconds between 1 and 60000, got "${value}"`,
      );
    },
  );

  it.each(['0', 'soon', '86401'])('refuses SECRETS_MAX_AGE_SECONDS=%s', (value) => {
    expect(() => createSecretsManagerClient({ SECRETS_MAX_AGE_SECONDS: value })).toThrow(
      `SECRETS_MAX_AGE_SECONDS must be a whole number of seconds between 1 and 86400, got "${value}"`,
    );
  });

  it('reports every wrong variable at once', () => {
    expect(() =>
      createSecretsManagerClient({ SECRETS_TIMEOUT_MS: 'x', SECRETS_MAX_AGE_SECONDS: 'y' }),
    ).toThrow(
      'SECRETS_TIMEOUT_MS must be a whole number of milliseconds between 1 and 60000, got "x"; SECRETS_MAX_AGE_SECONDS must be a whole number of seconds between 1 and 86400, got "y"',
    );
  });
});
