import { sessionSettingsFromEnv } from '../../../functions/gateway/sessions/session-settings';
import { SessionTable } from '../../../functions/gateway/sessions/session-table';

describe('sessionSettingsFromEnv', () => {
  it('defaults the table and the DynamoDB bound, and reads no secret', () => {
    expect(
      sessionSettingsFromEnv({ SESSION_SECRET: 'session-key-current-0123456789abcdef' }),
    ).toEqual({ tableName: SessionTable.defaultName, timeoutMs: 1_000 });
  });

  it('reads the table, a local endpoint and the region', () => {
    expect(
      sessionSettingsFromEnv({
        SESSION_TABLE: 'my-sessions',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      tableName: 'my-sessions',
      endpoint: 'http://127.0.0.1:8000',
      region: 'eu-west-1',
      timeoutMs: 1_000,
    });
  });

  it('takes an empty variable as unset (the stack declares some empty for sam local)', () => {
    expect(sessionSettingsFromEnv({ SESSION_TABLE: '', DYNAMODB_ENDPOINT: ' ' })).toEqual({
      tableName: SessionTable.defaultName,
      timeoutMs: 1_000,
    });
  });

  it('bounds every DynamoDB call by DYNAMODB_TIMEOUT_MS', () => {
    expect(sessionSettingsFromEnv({ DYNAMODB_TIMEOUT_MS: '250' })).toMatchObject({
      timeoutMs: 250,
    });
  });

  it.each(['0', '-5', '1.5', 'soon', '60001'])(
    'refuses DYNAMODB_TIMEOUT_MS=%s at cold start',
    (value) => {
      expect(() => sessionSettingsFromEnv({ DYNAMODB_TIMEOUT_MS: value })).toThrow(
        `DYNAMODB_TIMEOUT_MS must be a whole number of milliseconds between 1 and 60000, got "${value}"`,
      );
    },
  );
});
