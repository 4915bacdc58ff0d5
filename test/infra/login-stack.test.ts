import { gatewaySettings } from '../../lib/gateway-settings';
import { resources, synthApp, synthStack } from './synth';

/** The stack with OpenID Connect login: its secrets, environment and the exact extra grants. */
const { template } = synthStack('login', {
  oidc: { issuer: 'https://login.example.com/tenant', clientId: 'gateway-client' },
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const functionStatements = (): Statement[] => {
  const [roleId] =
    resources(template, 'AWS::IAM::Role').find(([id]) =>
      id.startsWith('GatewayFunctionServiceRole'),
    ) ?? [];
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(String(roleId)))
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
};

describe('Infra: OpenID Connect login', () => {
  it('creates the client secret and the token key, and hands the function their ARNs', () => {
    const secrets = resources(template, 'AWS::SecretsManager::Secret').map(([id]) => id);
    expect(secrets).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^LoginSecretsClientSecret/),
        expect.stringMatching(/^LoginSecretsTokenKey/),
      ]),
    );
    const [, fn] = resources(template, 'AWS::Lambda::Function')[0] ?? [];
    const env = (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)
      ?.Variables;
    expect(env).toMatchObject({
      OIDC_ISSUER: 'https://login.example.com/tenant',
      OIDC_CLIENT_ID: 'gateway-client',
      OIDC_CLIENT_SECRET_ARN: { Ref: expect.stringMatching(/^LoginSecretsClientSecret/) },
      OIDC_TOKEN_KEY_ARN: { Ref: expect.stringMatching(/^LoginSecretsTokenKey/) },
    });
    expect(JSON.stringify(env)).not.toMatch(/OIDC_CLIENT_SECRET"|OIDC_TOKEN_KEY"/);
  });

  it('grants exactly the login writes on the table, the query on byUser, and reads of four secrets', () => {
    const statements = functionStatements().filter(
      (s) => !JSON.stringify(s.Action).includes('logs:'),
    );

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SessionsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SessionsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': [
            '',
            [{ 'Fn::GetAtt': [expect.stringMatching(/^SessionsTable/), 'Arn'] }, '/index/byUser'],
          ],
        },
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: expect.arrayContaining([
          { Ref: expect.stringMatching(/^SessionSecret/) },
          { Ref: expect.stringMatching(/^RateLimitCacheAuthToken/) },
          { Ref: expect.stringMatching(/^LoginSecretsClientSecret/) },
          { Ref: expect.stringMatching(/^LoginSecretsTokenKey/) },
        ]),
      },
    ]);
    expect(statements[3]?.Resource).toHaveLength(4);
  });

  it("watches DynamoDB system errors on the login's writes and queries too", () => {
    const alarm = resources(template, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties)
      .find((p) => /system errors/.test(String(p.AlarmDescription)));
    const operations = JSON.stringify(alarm?.Metrics)
      .match(/"Name":"Operation","Value":"(\w+)"/g)
      ?.map((m) => m.replace(/.*"Value":"(\w+)"/, '$1'))
      .sort();
    expect(operations).toEqual(['GetItem', 'PutItem', 'Query', 'UpdateItem']);
  });

  it('takes the issuer and client id as context, both or neither, the issuer https', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];

    expect(
      gatewaySettings(context({ oidcIssuer: 'https://id.example.com', oidcClientId: 'c' })).oidc,
    ).toEqual({ issuer: 'https://id.example.com', clientId: 'c' });
    expect(() => gatewaySettings(context({ oidcIssuer: 'https://id.example.com' }))).toThrow(
      'Context oidcIssuer and oidcClientId go together',
    );
    expect(() =>
      gatewaySettings(context({ oidcIssuer: 'http://id.example.com', oidcClientId: 'c' })),
    ).toThrow('Context oidcIssuer must be an https URL');
  });

  it('synthesizes the app with login turned on by context, the route table checked with it', () => {
    const synth = synthApp({
      stage: 'loginctx',
      oidcIssuer: 'https://login.example.com',
      oidcClientId: 'gateway-client',
    });

    expect(synth.stderr).not.toMatch(/Error/);
    expect(synth.status).toBe(0);
    expect(JSON.stringify(synth.template?.toJSON())).toContain('LoginSecretsTokenKey');
  });
});
