import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { rateLimitedReread } from '../../../functions/gateway/secrets/rate-limited-reread';
import { envSecretSource } from '../../../functions/gateway/secrets/secret-source';
import { secretsManagerSecretSource } from '../../../functions/gateway/secrets/secrets-manager-secret-source';

const secretsMock = mockClient(SecretsManagerClient);
const source = secretsManagerSecretSource(
  {
    client: new SecretsManagerClient({ region: 'eu-west-1' }),
    endpoint: 'https://secretsmanager.eu-west-1.amazonaws.com',
    timeoutMs: 500,
    maxAgeSeconds: 300,
  },
  'arn:redis',
);

describe('Secrets: rateLimitedReread', () => {
  beforeEach(() => secretsMock.reset());

  it('asks Secrets Manager at most once per interval, however often it is asked', async () => {
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: 'token-a' });
    let clock = 0;
    const gate = rateLimitedReread(source, 10_000, () => clock);

    const first = await gate.reread();
    const within = [1, 5_000, 9_999].map((t) => {
      clock = t;
      return gate.reread();
    });
    clock = 10_000;
    const after = await gate.reread();

    expect(first).toBe('token-a');
    expect(within).toEqual([undefined, undefined, undefined]);
    expect(after).toBe('token-a');
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('does not ask again while a read is under way', async () => {
    let release: (value: { SecretString: string }) => void = () => undefined;
    secretsMock
      .on(GetSecretValueCommand)
      .callsFake(() => new Promise((resolve) => (release = resolve)));
    let clock = 0;
    const gate = rateLimitedReread(source, 10, () => clock);

    const pending = gate.reread();
    clock = 1_000;
    const during = gate.reread();
    release({ SecretString: 'token-b' });

    expect(during).toBeUndefined();
    await expect(pending).resolves.toBe('token-b');
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('counts a failed read against the interval too, so a broken secret is not hammered', async () => {
    secretsMock.on(GetSecretValueCommand).rejects(new Error('throttled'));
    let clock = 0;
    const gate = rateLimitedReread(source, 10_000, () => clock);

    await expect(gate.reread()).rejects.toThrow('Secrets Manager: cannot read secret arn:redis');
    clock = 5_000;

    expect(gate.reread()).toBeUndefined();
    expect(secretsMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });
});

describe('Secrets: envSecretSource', () => {
  it('reads the variable at each call and names it, not its value, when it is missing', async () => {
    const env: Record<string, string | undefined> = { REDIS_PASSWORD: 'first-token-0123' };
    const fromEnv = envSecretSource('REDIS_PASSWORD', env);

    const first = await fromEnv.read();
    env.REDIS_PASSWORD = 'second-token-0123';
    const second = await fromEnv.read();
    delete env.REDIS_PASSWORD;

    expect([first, second]).toEqual(['first-token-0123', 'second-token-0123']);
    await expect(fromEnv.read()).rejects.toThrow(
      'The environment variable REDIS_PASSWORD is not set',
    );
    expect(fromEnv.description).toBe('environment variable REDIS_PASSWORD');
  });
});
