import { Match } from 'aws-cdk-lib/assertions';
import { INIT_FAILURE_PATTERN } from '../../lib/constructs/gateway-monitoring';
import { gatewaySettings, PRODUCTION_RESERVED_CONCURRENCY } from '../../lib/gateway-settings';
import { only, resources, synthApp, synthStack } from './synth';

// `cdk synth -c stage=prod -c alarmEmail=... -c logLevel=DEBUG -c memorySize=2048 -c cacheNodeType=...`
const prod = synthApp({
  stage: 'prod',
  alarmEmail: 'oncall@example.com',
  logLevel: 'DEBUG',
  memorySize: '2048',
  cacheNodeType: 'cache.m7g.large',
});
const { template: dev } = synthStack('ops');

type AlarmProperties = {
  AlarmDescription: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  MetricName?: string;
  Metrics?: { Expression?: string; MetricStat?: { Metric: Record<string, unknown> } }[];
};

const alarmsOf = (template: typeof dev) =>
  resources(template, 'AWS::CloudWatch::Alarm').map(
    ([, alarm]) => alarm.Properties as unknown as AlarmProperties,
  );

const topicRef = (template: typeof dev) => {
  const topics = resources(template, 'AWS::SNS::Topic');
  expect(topics).toHaveLength(1);
  return { Ref: topics[0]?.[0] };
};

describe('Infra: operations', () => {
  it('synthesizes the production stage from context, cdk-nag clean', () => {
    expect(prod.stderr).not.toMatch(/AwsSolutions-/);
    expect(prod.status).toBe(0);
  });

  it('sends every alarm, and its return to OK, to the alarm topic', () => {
    for (const template of [dev, prod.template as typeof dev]) {
      const topic = topicRef(template);
      const alarms = alarmsOf(template);
      expect(alarms.length).toBeGreaterThanOrEqual(12);
      for (const alarm of alarms) {
        expect({ alarm: alarm.AlarmDescription, actions: alarm.AlarmActions }).toEqual({
          alarm: alarm.AlarmDescription,
          actions: [topic],
        });
        expect(alarm.OKActions).toEqual([topic]);
      }
    }
  });

  it('alarms on Lambda errors, throttles and init failures, the cache and the session table', () => {
    const descriptions = alarmsOf(dev).map((alarm) => alarm.AlarmDescription);
    expect(descriptions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/function failed invocations/),
        expect.stringMatching(/Lambda is throttling/),
        expect.stringMatching(/failed to start/),
        expect.stringMatching(/cache engine CPU/),
        expect.stringMatching(/cache memory/),
        expect.stringMatching(/evicting/),
        expect.stringMatching(/connections/),
        expect.stringMatching(/DynamoDB is throttling/),
        expect.stringMatching(/system errors/),
      ]),
    );
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 0,
    });
    // Init failures: a metric filter on the function's own log group (JSON platform records).
    dev.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: Match.stringLikeRegexp('^GatewayFunctionLogGroup') },
      FilterPattern: INIT_FAILURE_PATTERN,
      MetricTransformations: [
        Match.objectLike({ MetricName: 'InitFailures-Gateway-ops', MetricValue: '1' }),
      ],
    });
    // Session table: the operations the gateway sends (GetItem), by table.
    dev.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('system errors'),
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              Namespace: 'AWS/DynamoDB',
              MetricName: 'SystemErrors',
              Dimensions: Match.arrayWith([{ Name: 'Operation', Value: 'GetItem' }]),
            }),
          }),
        }),
      ]),
    });
  });

  it('watches every cache node: one in dev, both Multi-AZ nodes in production', () => {
    const cpuNodes = (template: typeof dev) => {
      const alarm = alarmsOf(template).find((a) => /cache engine CPU/.test(a.AlarmDescription));
      return JSON.stringify(
        (alarm?.Metrics ?? [])
          .filter((m) => m.MetricStat)
          .map((m) => m.MetricStat?.Metric.Dimensions),
      );
    };
    expect(cpuNodes(dev)).toContain('-001');
    expect(cpuNodes(dev)).not.toContain('-002');
    expect(cpuNodes(prod.template as typeof dev)).toContain('-002');
  });

  it('shows the alarms and the cache and table metrics on the dashboard', () => {
    const body = JSON.stringify(only(dev, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody);
    expect(body).toContain('AWS/ElastiCache');
    expect(body).toContain('AWS/DynamoDB');
    expect(body).toContain('InitFailures');
    // The alarm status widget lists every alarm by ARN.
    const alarmIds = resources(dev, 'AWS::CloudWatch::Alarm').map(([id]) => id);
    for (const id of alarmIds) expect(body).toContain(id);
  });

  it('encrypts the alarm topic with a rotating key CloudWatch may use, HTTPS only', () => {
    dev.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] },
    });
    dev.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      }),
    });
    dev.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    });
    dev.resourceCountIs('AWS::SNS::Subscription', 0);
    dev.hasOutput('AlarmTopicArn', {});
  });

  it('subscribes the alarmEmail address', () => {
    prod.template?.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('reserves concurrency in production by default and not in dev', () => {
    expect(only(prod.template as typeof dev, 'AWS::Lambda::Function').Properties).toMatchObject({
      ReservedConcurrentExecutions: PRODUCTION_RESERVED_CONCURRENCY,
    });
    expect(
      only(dev, 'AWS::Lambda::Function').Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('takes reservedConcurrency from context, `none` opting production out, nonsense refused', () => {
    const context = (values: Record<string, string>) => (key: string) => values[key];
    expect(gatewaySettings(context({ reservedConcurrency: '250' })).reservedConcurrency).toBe(250);
    expect(
      gatewaySettings(context({ stage: 'prod', reservedConcurrency: 'none' })).reservedConcurrency,
    ).toBeUndefined();
    expect(() => gatewaySettings(context({ reservedConcurrency: '0' }))).toThrow(
      'Context reservedConcurrency must be an integer >= 1; got "0"',
    );
    const stack = synthStack('capped', { reservedConcurrency: 250 });
    expect(
      only(stack.template, 'AWS::Lambda::Function').Properties.ReservedConcurrentExecutions,
    ).toBe(250);
  });

  it('runs nodejs24.x on ARM64, sized from context in production', () => {
    expect(only(dev, 'AWS::Lambda::Function').Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
    });
    const fn = only(prod.template as typeof dev, 'AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', MemorySize: 2048 });
    expect(fn.Properties.LoggingConfig).toMatchObject({ ApplicationLogLevel: 'DEBUG' });
    expect(fn.Properties.Environment).toEqual({
      Variables: expect.objectContaining({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }),
    });
    prod.template?.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.m7g.large',
    });
  });

  it('retains log groups, secrets and the alarm key in production and deletes them in dev', () => {
    const policies = (template: typeof dev, type: string) =>
      resources(template, type).map(([id, resource]) => `${id}:${resource.DeletionPolicy}`);
    for (const type of ['AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      const prodPolicies = policies(prod.template as typeof dev, type);
      const devPolicies = policies(dev, type);
      expect(prodPolicies.length).toBeGreaterThan(0);
      expect(devPolicies).toHaveLength(prodPolicies.length);
      for (const entry of prodPolicies) expect(entry).toMatch(/:Retain$/);
      for (const entry of devPolicies) expect(entry).toMatch(/:Delete$/);
    }
  });
});
