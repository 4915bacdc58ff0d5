import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EnvName } from '../../functions/gateway/config/environment-names';
import { compileRouteTable } from '../../functions/gateway/loader/compile-route-table';
import { GatewayStack, type GatewayStackProps } from '../../lib/gateway-stack';
import { recordChildOutput } from '../helpers/log-capture';

const ROOT = join(__dirname, '..', '..');

/** Synthesizes a stack with cdk-nag on: an unacknowledged AwsSolutions error makes this throw. */
const synth = (name: string, props: Partial<GatewayStackProps> = {}) => {
  const app = new App({
    outdir: join(ROOT, 'cdk.out', `test-${name}`),
    // Asset metadata is what `sam local invoke` reads to find the bundle; the CLI turns it on.
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new GatewayStack(app, `Gateway-${name}`, { stage: name, ...props });
  const template = Template.fromStack(stack);
  app.synth();
  return { app, stack, template };
};

const { app, stack, template } = synth('test');

const only = (
  type: string,
): Record<string, unknown> & {
  Properties: Record<string, unknown>;
  Metadata?: Record<string, string>;
} => {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0] as never;
};

describe('Infra: GatewayStack', () => {
  it('runs the gateway on Node.js 24, ARM64, in the private subnets', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
    const fn = only('AWS::Lambda::Function');
    const subnetRefs = JSON.stringify(
      (fn.Properties.VpcConfig as { SubnetIds: unknown }).SubnetIds,
    );
    expect(subnetRefs).toMatch(/privateSubnet/i);
    expect(subnetRefs).not.toMatch(/publicSubnet/i);
  });

  it('passes settings, never secret values, in the environment', () => {
    const variables = (
      only('AWS::Lambda::Function').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;

    expect(Object.keys(variables).sort()).toEqual(
      [
        'DEMO_UPSTREAM_URL',
        'DYNAMODB_ENDPOINT',
        'GATEWAY_CONFIG',
        'GATEWAY_INVOKE_MODE',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'REDIS_AUTH_SECRET_ARN',
        'REDIS_HOST',
        'REDIS_PORT',
        'REDIS_TLS',
        'SECRETS_MAX_AGE_SECONDS',
        'SESSION_SECRET',
        'SESSION_SECRET_ARN',
        'SESSION_TABLE',
      ].sort(),
    );
    // No NODE_OPTIONS=--enable-source-maps: parsing the maps cost every cold start (docs/performance.md).
    expect(variables).toMatchObject({
      REDIS_TLS: 'true',
      SECRETS_MAX_AGE_SECONDS: '300',
    });
    // Every gateway variable is one the runtime reads (the names come from one module).
    const readByRuntime: string[] = Object.values(EnvName);
    const others = Object.keys(variables).filter((name) => !readByRuntime.includes(name));
    expect(others.sort()).toEqual(
      [
        'DEMO_UPSTREAM_URL',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
      ].sort(),
    );
    // Declared for `sam local invoke --env-vars` only; the deployed value is read from its ARN.
    expect(variables.SESSION_SECRET).toBe('');
    expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager|SecretString/);
    expect(variables.SESSION_SECRET_ARN).toEqual({ Ref: expect.stringMatching(/^SessionSecret/) });
  });

  it('exposes a Function URL with auth type NONE (the gateway authenticates) in BUFFERED mode', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
    });
    template.hasOutput('GatewayUrl', {});
    template.hasOutput('DashboardUrl', {});
    template.hasOutput('SessionTableName', {});
  });

  it("outputs the function security group, for upstreams to admit, and it is the function's own", () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [, gateway] =
      Object.entries(functions).find(([id]) => id.startsWith('GatewayFunction')) ?? [];
    const groups = (
      (gateway ?? { Properties: {} }).Properties as {
        VpcConfig: { SecurityGroupIds: { 'Fn::GetAtt': string[] }[] };
      }
    ).VpcConfig.SecurityGroupIds;
    expect(groups).toHaveLength(1);
    template.hasOutput('FunctionSecurityGroupId', { Value: groups[0] });
  });

  it('switches the URL to RESPONSE_STREAM when asked', () => {
    const streaming = synth('stream', { invokeMode: 'RESPONSE_STREAM' as never });

    streaming.template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
    streaming.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GATEWAY_INVOKE_MODE: 'RESPONSE_STREAM' }) },
    });
  });

  it('keeps sessions in an on-demand table with TTL on expiresAt, PITR and the byUser index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byUser' })],
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });

  it('retains the table and runs a Multi-AZ cache in production', () => {
    const prod = synth('prod');

    prod.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain' });
    prod.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
    });
  });

  it('encrypts the cache in transit and at rest, with an AUTH token from Secrets Manager', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      Port: 6380,
      AuthToken: {
        'Fn::Join': [
          '',
          Match.arrayWith([
            Match.stringLikeRegexp('resolve:secretsmanager:'),
            { Ref: Match.stringLikeRegexp('^RateLimitCacheAuthToken') },
          ]),
        ],
      },
    });
  });

  it('opens the cache only to the function, and lets nothing out of it', () => {
    const groups = Object.entries(template.findResources('AWS::EC2::SecurityGroup')).filter(
      ([id]) => id.startsWith('RateLimitCacheSecurityGroup'),
    );
    expect(groups).toHaveLength(1);
    const [, group] = groups[0] ?? [];
    const properties = (group as { Properties: Record<string, unknown> }).Properties;

    expect(properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        FromPort: 6380,
        ToPort: 6380,
        IpProtocol: 'tcp',
        SourceSecurityGroupId: {
          'Fn::GetAtt': [expect.stringMatching(/^FunctionSecurityGroup/), 'GroupId'],
        },
      }),
    ]);
    // CDK's marker for "no egress": a rule to 255.255.255.255/32 on an ICMP type that does not exist.
    expect(properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32' }),
    ]);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  // The role's exact statements: test/infra/least-privilege.test.ts.

  it('has a DynamoDB gateway endpoint and VPC flow logs', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('dynamodb')])] },
      VpcEndpointType: 'Gateway',
    });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('keeps every log group for a bounded time', () => {
    const groups = Object.entries(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(3);
    for (const [id, group] of groups) {
      const days = (group as { Properties: { RetentionInDays?: number } }).Properties
        .RetentionInDays;
      // Every group names a retention, of at most about a year (400 days, a Lambda option).
      expect({ id, bounded: typeof days === 'number' && days >= 1 && days <= 400 }).toEqual({
        id,
        bounded: true,
      });
    }
  });

  it('has a dashboard and alarms on 5xx share, p99 latency, throttles and fail-open', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => (a as { Properties: { AlarmDescription: string } }).Properties.AlarmDescription,
    );
    expect(alarms).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/5xx/),
        expect.stringMatching(/p99 latency/),
        expect.stringMatching(/throttling/),
        expect.stringMatching(/without rate limiting/),
      ]),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RateLimitFailOpen',
      Namespace: 'Gateway',
      Dimensions: [{ Name: 'service', Value: 'gateway' }],
    });
  });

  it('passes cdk-nag AwsSolutions, every acknowledgement carrying a reason', () => {
    // synth() above would have thrown on an unacknowledged AwsSolutions error.
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter(
          (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
        ),
      )
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .filter(([rule]) => rule.startsWith('AwsSolutions::'));

    expect(acknowledged.map(([rule]) => rule).sort()).toEqual(
      [
        'AwsSolutions::AwsSolutions-AEC4',
        'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        'AwsSolutions::AwsSolutions-SMG4',
        'AwsSolutions::AwsSolutions-SMG4',
      ].sort(),
    );
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(30);
  });

  it('puts CloudFront in front with origin access control and an IAM-auth URL when edge is cloudfront', () => {
    const edge = synth('edge', { edge: 'cloudfront' });

    edge.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    edge.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({
        OriginAccessControlOriginType: 'lambda',
        SigningBehavior: 'always',
      }),
    });
    edge.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: 'cloudfront.amazonaws.com',
    });
    edge.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'https-only' }),
      }),
    });
  });

  it('attaches a given WAF web ACL to the distribution', () => {
    const arn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/gateway/abc';
    const edge = synth('waf', { edge: 'cloudfront', webAclArn: arn });

    edge.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: arn }),
    });
  });

  it('bundles the route table beside the code, compiled at synth', () => {
    const fn = only('AWS::Lambda::Function');
    const assetDir = join(app.outdir, fn.Metadata?.['aws:asset:path'] ?? '');

    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(JSON.parse(readFileSync(join(assetDir, 'config', 'gateway.json'), 'utf8'))).toEqual(
      compileRouteTable(
        readFileSync(join(ROOT, 'config', 'gateway.yml'), 'utf8'),
        'config/gateway.yml',
      ),
    );
    expect(existsSync(join(assetDir, 'config', 'gateway.yml'))).toBe(false);
  });

  it('serves an events/ file when its bundle is run as SAM runs it', () => {
    // As `sam local invoke -t <template> -e events/not-found.json` would: the asset path and handler
    // from the template, the env-vars file's values, the bundle imported as an ES module.
    const fn = only('AWS::Lambda::Function');
    const assetDir = join(app.outdir, fn.Metadata?.['aws:asset:path'] ?? '');
    const [file, exportName] = String(fn.Properties.Handler).split('.');
    const envVars = JSON.parse(readFileSync(join(ROOT, 'events', 'env.json'), 'utf8')) as {
      Parameters: Record<string, string>;
    };

    const stdout = execFileSync(
      process.execPath,
      [
        join(__dirname, '..', 'helpers', 'invoke-bundle.mjs'),
        assetDir,
        `${file}.mjs`,
        exportName ?? '',
        join(ROOT, 'events', 'not-found.json'),
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          ...envVars.Parameters,
          GATEWAY_CONFIG: 'config/gateway.json',
          AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        },
      },
    );
    recordChildOutput('invoke-bundle', { stdout });
    const result = JSON.parse(stdout.split('\nRESULT ')[1] ?? '') as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({
      error: 'not_found',
      correlation_id: expect.any(String),
    });
    expect(result.headers['x-frame-options']).toBe('DENY');
    expect(stdout).toContain('"ColdStart":1');
  });
});
