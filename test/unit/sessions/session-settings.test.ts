import { sessionSettingsFromEnv } from '../../../functions/gateway/sessions/session-settings';
import { SessionTable } from '../../../functions/gateway/sessions/session-table';

describe('sessionSettingsFromEnv', () => {
  it('has no sessions without SESSION_SECRET (protected routes then answer 401)', () => {
    expect(sessionSettingsFromEnv({})).toBeUndefined();
    expect(sessionSettingsFromEnv({ SESSION_SECRET: '   ' })).toBeUndefined();
  });

  it('signs with SESSION_SECRET and also verifies with each previous secret, in order', () => {
    expect(
      sessionSettingsFromEnv({
        SESSION_SECRET: ' current ',
        SESSION_SECRET_PREVIOUS: 'older, oldest,,',
      }),
    ).toEqual({
      tableName: SessionTable.defaultName,
      secrets: ['current', 'older', 'oldest'],
      timeoutMs: 1_000,
    });
  });

  it('reads the table, a local endpoint and the region', () => {
    expect(
      sessionSettingsFromEnv({
        SESSION_SECRET: 's',
        SESSION_TABLE: 'my-sessions',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      tableName: 'my-sessions',
      secrets: ['s'],
      endpoint: 'http://127.0.0.1:8000',
      region: 'eu-west-1',
      timeoutMs: 1_000,
    });
  });

  it('bounds every DynamoDB call by DYNAMODB_TIMEOUT_MS', () => {
    expect(
      sessionSettingsFromEnv({ SESSION_SECRET: 's', DYNAMODB_TIMEOUT_MS: '250' }),
    ).toMatchObject({ timeoutMs: 250 });
  });

  it.each(['0', '-5', '1.5', 'soon', '60001'])(
    'refuses DYNAMODB_TIMEOUT_MS=%s at cold start',
    (value) => {
      expect(() =>
        sessionSettingsFromEnv({ SESSION_SECRET: 's', DYNAMODB_TIMEOUT_MS: value }),
      ).toThrow(
        `DYNAMODB_TIMEOUT_MS must be a whole number of milliseconds from 1 to 60000, got "${value}"`,
      );
    },
  );
});
