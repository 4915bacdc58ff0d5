import { resources, synthApp } from './synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Template = NonNullable<ReturnType<typeof synthApp>['template']>;

const rotating = synthApp({ stage: 'rotating', cacheAuthRotationDays: '30' });
const privateRotating = synthApp({
  stage: 'privrot',
  cacheAuthRotationDays: '7',
  natGateways: '0',
  vpcEndpoints: 'true',
});
const plain = synthApp({ stage: 'norotation' });

const template = (synth: ReturnType<typeof synthApp>): Template => {
  expect({ status: synth.status, stderr: synth.stderr }).toMatchObject({ status: 0 });
  return synth.template as Template;
};

const rotationStatements = (t: Template): Statement[] => {
  const roleId = resources(t, 'AWS::IAM::Role').find(([id]) =>
    id.startsWith('CacheAuthRotationRole'),
  )?.[0];
  expect(roleId).toBeDefined();
  return resources(t, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(String(roleId)))
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
};

describe('Infra: AUTH token rotation schedule (cdk synth -c cacheAuthRotationDays=N)', () => {
  it('schedules the rotation function on the cache AUTH token secret, every N days', () => {
    const t = template(rotating);
    const schedules = resources(t, 'AWS::SecretsManager::RotationSchedule');
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties).toEqual({
      SecretId: { Ref: expect.stringMatching(/^RateLimitCacheAuthToken/) },
      RotationLambdaARN: {
        'Fn::GetAtt': [expect.stringMatching(/^CacheAuthRotationFunction/), 'Arn'],
      },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('grants the rotation function exactly its calls, on the token secret and the cache only', () => {
    const statements = rotationStatements(template(rotating));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CacheAuthRotationLogGroup/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        Resource: { Ref: expect.stringMatching(/^RateLimitCacheAuthToken/) },
      },
      {
        Effect: 'Allow',
        Action: ['elasticache:DescribeReplicationGroups', 'elasticache:ModifyReplicationGroup'],
        Resource: expect.any(Array),
      },
    ]);
    const cacheArns = JSON.stringify(statements[2]?.Resource);
    expect(cacheArns).toContain(':replicationgroup:');
    expect(cacheArns).toContain(':cluster:');
    for (const statement of statements)
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    expect(JSON.stringify(statements)).not.toContain('GetRandomPassword');
  });

  it('lets only Secrets Manager of this account invoke it', () => {
    const permissions = resources(template(rotating), 'AWS::Lambda::Permission').filter(([id]) =>
      id.startsWith('CacheAuthRotationFunctionSecretsManagerInvoke'),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.[1].Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('admits the rotation function to the cache port, to test the new token', () => {
    const ingress = resources(template(rotating), 'AWS::EC2::SecurityGroup')
      .filter(([id]) => id.startsWith('RateLimitCacheSecurityGroup'))
      .flatMap(([, group]) => (group.Properties.SecurityGroupIngress as unknown[]) ?? []);
    const standalone = resources(template(rotating), 'AWS::EC2::SecurityGroupIngress').map(
      ([, rule]) => rule.Properties,
    );
    expect(JSON.stringify([...ingress, ...standalone])).toContain('AUTH token rotation');
  });

  it('without a NAT, adds the ElastiCache API endpoint the rotation needs', () => {
    const endpoints = resources(template(privateRotating), 'AWS::EC2::VPCEndpoint').map(
      ([, endpoint]) => JSON.stringify(endpoint.Properties.ServiceName),
    );
    expect(endpoints.some((name) => name.includes('.elasticache'))).toBe(true);
    expect(endpoints.some((name) => name.includes('.secretsmanager'))).toBe(true);
  });

  it('has no schedule unless asked, and refuses a period Secrets Manager does not take', () => {
    expect(resources(template(plain), 'AWS::SecretsManager::RotationSchedule')).toHaveLength(0);
    const zero = synthApp({ stage: 'badrot', cacheAuthRotationDays: '0' });
    expect(zero.status).not.toBe(0);
    expect(zero.stderr).toContain('Context cacheAuthRotationDays must be an integer >= 1; got "0"');
  });
});

describe('Infra: AUTH token rotation failures', () => {
  it('alarm the alarm topic when a rotation step fails, and when it clears', () => {
    const t = template(rotating);
    const alarms = resources(t, 'AWS::CloudWatch::Alarm').filter(([id]) =>
      id.startsWith('CacheAuthRotationFailureAlarm'),
    );
    expect(alarms).toHaveLength(1);
    const props = alarms[0]?.[1].Properties ?? {};
    expect(props).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const topic = { Ref: expect.stringMatching(/^AlarmsTopic/) };
    expect(props.AlarmActions).toEqual([topic]);
    expect(props.OKActions).toEqual([topic]);
  });
});
