import {
  chooseSessionSecret,
  chooseSessionStore,
  localAwsDefaults,
} from '../../../dev/session-store-choice';

describe('npm start: choosing the session store from explicit settings only', () => {
  it('stays on the embedded store whatever AWS settings the shell carries', () => {
    const choice = chooseSessionStore({ AWS_REGION: 'eu-west-1', AWS_PROFILE: 'prod' });

    expect(choice).toMatchObject({ kind: 'dynalite', why: expect.stringContaining('the default') });
    expect(choice.kind === 'dynalite' && choice.dataDir).toMatch(/\.gateway-data$/);
  });

  it('uses AWS only when GATEWAY_SESSIONS=aws says so', () => {
    expect(chooseSessionStore({ GATEWAY_SESSIONS: 'aws' })).toMatchObject({ kind: 'aws' });
  });

  it('keeps sessions in memory with GATEWAY_SESSIONS=memory', () => {
    expect(chooseSessionStore({ GATEWAY_SESSIONS: 'memory' })).toEqual({
      kind: 'dynalite',
      why: expect.stringContaining('memory'),
    });
  });

  it.each([
    ['http://localhost:8000', true],
    ['http://127.0.0.1:8000', true],
    ['http://[::1]:8000', true],
    ['http://host.docker.internal:8000', true],
    ['https://dynamodb.eu-west-1.amazonaws.com', false],
  ])('takes DYNAMODB_ENDPOINT %s (local: %s)', (endpoint, local) => {
    expect(chooseSessionStore({ DYNAMODB_ENDPOINT: endpoint })).toMatchObject({
      kind: 'endpoint',
      endpoint,
      local,
    });
  });

  it('refuses an unknown GATEWAY_SESSIONS and a contradiction, naming the settings', () => {
    expect(() => chooseSessionStore({ GATEWAY_SESSIONS: 'dynamo' })).toThrow(
      'GATEWAY_SESSIONS must be one of local, memory, aws; got "dynamo"',
    );
    expect(() =>
      chooseSessionStore({ GATEWAY_SESSIONS: 'memory', DYNAMODB_ENDPOINT: 'http://localhost:1' }),
    ).toThrow('unset one of them');
  });

  it('gives a local store local credentials, dropping an ambient profile, keeping set keys', () => {
    const ambient: NodeJS.ProcessEnv = { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'prod' };
    localAwsDefaults(ambient);
    expect(ambient).toEqual({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });

    const explicit: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' };
    localAwsDefaults(explicit);
    expect(explicit).toEqual({
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
    });
  });

  it('says where the secret comes from', () => {
    const local = chooseSessionStore({});
    expect(chooseSessionSecret({}, local).source).toContain('the development secret');
    expect(chooseSessionSecret({ SESSION_SECRET: 'x'.repeat(32) }, local).source).toContain(
      'SESSION_SECRET',
    );
    const aws = chooseSessionStore({ GATEWAY_SESSIONS: 'aws' });
    expect(chooseSessionSecret({}, aws)).toEqual({
      source: expect.stringContaining('none: set SESSION_SECRET'),
    });
  });
});
