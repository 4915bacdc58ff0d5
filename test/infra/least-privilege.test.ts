import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheAuthRotationAwsCalls } from '../../lib/cache-auth-rotation-access';
import { GatewayAwsCalls, LoginAwsCalls } from '../../lib/gateway-access';
import { gatewaySettings } from '../../lib/gateway-settings';
import { only, ROOT, resources, synthStack } from './synth';

const { template } = synthStack('privilege');

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/**
 * Commands a library sends on the code's behalf, by the class the code constructs: Powertools
 * Parameters' `SecretsProvider` reads a secret with `GetSecretValue`.
 */
const SENT_BY_LIBRARY: Readonly<Record<string, string>> = {
  SecretsProvider: 'GetSecretValueCommand',
};

/** Every AWS SDK v3 command class a set of files constructs (`new GetCommand(`), or has sent. */
const sdkCommandsSent = (dir: string): string[] => {
  const sent = new Set<string>();
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new\s+([A-Z][A-Za-z]*)\s*\(/g)) {
      const command = SENT_BY_LIBRARY[match[1] ?? ''];
      if (command) sent.add(command);
    }
    if (!text.includes('@aws-sdk/')) continue;
    for (const match of text.matchAll(/new\s+([A-Z][A-Za-z]*Command)\s*\(/g))
      sent.add(match[1] ?? '');
  }
  return [...sent].sort();
};

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const functionRole = () => {
  const roles = resources(template, 'AWS::IAM::Role').filter(([id]) =>
    id.startsWith('GatewayFunctionServiceRole'),
  );
  expect(roles).toHaveLength(1);
  const [roleId, role] = roles[0] ?? [];
  const policies = resources(template, 'AWS::IAM::Policy').filter(([, policy]) =>
    JSON.stringify(policy.Properties.Roles).includes(String(roleId)),
  );
  return {
    role,
    statements: policies.flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    ),
  };
};

describe('Infra: least privilege', () => {
  it('lists exactly the AWS SDK commands the function code sends', () => {
    const listed = [
      ...Object.keys(GatewayAwsCalls.dynamodb),
      ...Object.keys(GatewayAwsCalls.secretsManager),
      ...Object.keys(LoginAwsCalls.dynamodb),
    ].sort();

    expect(sdkCommandsSent(join(ROOT, 'functions', 'gateway'))).toEqual(listed);
    // The operator's session command writes and queries with the operator's credentials; none of
    // its calls may have crept into the function's list.
    expect(sdkCommandsSent(join(ROOT, 'scripts'))).toEqual(
      expect.arrayContaining(['PutCommand', 'UpdateCommand', 'QueryCommand']),
    );
  });

  it('lists exactly the AWS SDK commands the AUTH token rotation function sends', () => {
    const listed = [
      ...Object.keys(CacheAuthRotationAwsCalls.secretsManager),
      ...Object.keys(CacheAuthRotationAwsCalls.elastiCache),
    ].sort();

    expect(sdkCommandsSent(join(ROOT, 'functions', 'cache-auth-rotation'))).toEqual(listed);
    // Every function's folder is covered by one of the two lists.
    expect(readdirSync(join(ROOT, 'functions')).sort()).toEqual(['cache-auth-rotation', 'gateway']);
  });

  it('grants the function role exactly those calls on its own log group, table and two secrets', () => {
    const { role, statements } = functionRole();

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^GatewayFunctionLogGroup/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SessionsTable/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: expect.arrayContaining([
          { Ref: expect.stringMatching(/^RateLimitCacheAuthToken/) },
          { Ref: expect.stringMatching(/^SessionSecret/) },
        ]),
      },
    ]);
    expect(statements[2]?.Resource).toHaveLength(2);
    for (const statement of statements)
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    // Only the VPC access policy is AWS-managed (ENI calls have no resource-level scoping); the
    // basic execution policy, which may write to any log group, is gone.
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).not.toContain(
      'AWSLambdaBasicExecutionRole',
    );
    expect(role?.Properties.ManagedPolicyArns).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
          ],
        ],
      },
    ]);
  });

  it('writes JSON logs to its own group, filtered at INFO by default', () => {
    expect(only(template, 'AWS::Lambda::Function').Properties.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
      LogGroup: { Ref: expect.stringMatching(/^GatewayFunctionLogGroup/) },
    });
  });

  it('refuses a log level that would make Lambda drop the EMF metrics', () => {
    // Lambda files a JSON line without `level` (an EMF document) under INFO.
    expect(() => gatewaySettings((key) => (key === 'logLevel' ? 'WARN' : undefined))).toThrow(
      'Context logLevel must be one of TRACE, DEBUG, INFO; got "WARN"',
    );
  });
});
