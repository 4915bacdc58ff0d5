import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { App, Duration, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { gatewaySettings } from '../../lib/gateway-settings';
import { GatewayStack, type GatewayStackProps } from '../../lib/gateway-stack';

const ROOT = join(__dirname, '..', '..');
const CERTIFICATE =
  'arn:aws:acm:us-east-1:123456789012:certificate/0b8c1f7e-1111-2222-3333-444455556666';

/** Synthesizes an `edge=cloudfront` stack with cdk-nag on (an unacknowledged error throws). */
const synth = (name: string, props: Partial<GatewayStackProps> = {}) => {
  const app = new App({
    outdir: join(ROOT, 'cdk.out', `test-edge-${name}`),
    // The function's code is not what these tests are about: skip the esbuild bundle.
    context: { 'aws:cdk:bundling-stacks': [] },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new GatewayStack(app, `Gateway-edge-${name}`, {
    stage: name,
    edge: 'cloudfront',
    ...props,
  });
  const template = Template.fromStack(stack);
  app.synth();
  const acknowledged = Object.fromEntries(
    stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter(
          (m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY,
        ),
      )
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
  );
  return { template, acknowledged };
};

const plain = synth('plain');
const direct = synth('direct', { edge: 'none' });
const custom = synth('custom', {
  domainName: 'api.example.com',
  certificateArn: CERTIFICATE,
  invokeMode: InvokeMode.RESPONSE_STREAM,
  corsAllowedOrigins: ['https://app.example.com'],
  timeout: Duration.seconds(300),
});

const distributionConfig = (template: Template): Record<string, unknown> => {
  const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
  return (distribution as { Properties: { DistributionConfig: Record<string, unknown> } })
    .Properties.DistributionConfig;
};
const origin = (template: Template) =>
  (distributionConfig(template).Origins as Record<string, unknown>[])[0]
    ?.CustomOriginConfig as Record<string, unknown>;

/** The viewer-request function's code from the template, run as CloudFront runs it. */
const viewerRequest = (template: Template) => {
  const [fn] = Object.values(template.findResources('AWS::CloudFront::Function'));
  const code = (fn as { Properties: { FunctionCode: string } }).Properties.FunctionCode;
  return (headers: Record<string, { value: string }>) =>
    runInNewContext(`${code}\nhandler(event);`, {
      event: { version: '1.0', viewer: { ip: '198.51.100.7' }, request: { headers } },
    }) as { headers: Record<string, { value: string }> };
};

describe('Infra: the CloudFront edge', () => {
  it('without a custom domain, serves the default certificate and acknowledges its TLSv1 floor truthfully', () => {
    // No ViewerCertificate: CloudFront's *.cloudfront.net certificate, whose floor is TLSv1.
    expect(distributionConfig(plain.template).ViewerCertificate).toBeUndefined();
    const reason = plain.acknowledged['AwsSolutions::AwsSolutions-CFR4'];
    expect(reason).toMatch(/default \*\.cloudfront\.net certificate/);
    expect(reason).toMatch(/TLSv1/);
    expect(reason).toMatch(/domainName.*certificateArn/);
    expect(reason).not.toMatch(/TLS 1\.2\+ clients/);
  });

  it('with domainName and certificateArn, serves the domain with a TLSv1.2_2021 floor', () => {
    expect(distributionConfig(custom.template)).toMatchObject({
      Aliases: ['api.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: CERTIFICATE,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    expect(custom.acknowledged['AwsSolutions::AwsSolutions-CFR4']).toBeUndefined();
    custom.template.hasOutput('GatewayUrl', { Value: 'https://api.example.com' });
  });

  it('moves the viewer Authorization aside before origin access control signs the request', () => {
    plain.template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
    const [fnId] = Object.keys(plain.template.findResources('AWS::CloudFront::Function'));
    expect(distributionConfig(plain.template).DefaultCacheBehavior).toMatchObject({
      FunctionAssociations: [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
      ],
    });
    const run = viewerRequest(plain.template);

    const withToken = run({ authorization: { value: 'Bearer t0k3n' }, accept: { value: '*/*' } });
    const forged = run({ 'x-gateway-viewer-authorization': { value: 'Bearer forged' } });

    expect(withToken.headers).toEqual({
      'x-gateway-viewer-authorization': { value: 'Bearer t0k3n' },
      accept: { value: '*/*' },
    });
    expect(forged.headers).toEqual({});
  });

  it("carries the viewer's Host past the origin request as x-gateway-viewer-host, never a viewer's copy", () => {
    const run = viewerRequest(plain.template);

    const addressed = run({ host: { value: 'api.example.com' } });
    const forged = run({
      host: { value: 'api.example.com' },
      'x-gateway-viewer-host': { value: 'evil.example' },
    });

    expect(addressed.headers['x-gateway-viewer-host']).toEqual({ value: 'api.example.com' });
    expect(forged.headers['x-gateway-viewer-host']).toEqual({ value: 'api.example.com' });
  });

  it('tells the function it sits behind CloudFront, and only then', () => {
    const variables = Object.values(direct.template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: { Environment: { Variables: object } } }).Properties.Environment,
    );
    expect(JSON.stringify(variables)).not.toMatch(/GATEWAY_CLIENT_ADDRESS/);
    plain.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    plain.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ GATEWAY_CLIENT_ADDRESS: 'cloudfront-viewer-address' }),
      },
    });
  });

  it("allows x-amz-content-sha256 and Authorization in the URL's CORS, for browser writes through OAC", () => {
    custom.template.hasResourceProperties('AWS::Lambda::Url', {
      Cors: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowHeaders: Match.arrayWith(['x-amz-content-sha256', 'authorization']),
      }),
    });
  });

  it('writes standard logs to a private, SSL-only bucket that expires them', () => {
    const [bucketId] = Object.keys(plain.template.findResources('AWS::S3::Bucket'));
    expect(distributionConfig(plain.template).Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
    });
    plain.template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })],
      },
    });
    plain.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('waits for the origin as long as the function may run, clamped to the default quota', () => {
    // The default function timeout (30 s) and a 300 s one: 120 s is the quota without an increase.
    expect(origin(plain.template)).toMatchObject({
      OriginReadTimeout: 30,
      OriginKeepaliveTimeout: 30,
    });
    expect(origin(custom.template)).toMatchObject({
      OriginReadTimeout: 120,
      OriginKeepaliveTimeout: 60,
    });
  });

  it('streams through CloudFront when the URL streams: the origin is the RESPONSE_STREAM URL, uncompressed', () => {
    custom.template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ GATEWAY_INVOKE_MODE: 'RESPONSE_STREAM' }) },
    });
    expect(distributionConfig(custom.template).DefaultCacheBehavior).toMatchObject({
      Compress: false,
    });
  });
});

describe('Infra: edge settings', () => {
  const from = (context: Record<string, unknown>) => gatewaySettings((key) => context[key]);

  it('reads a custom domain and its certificate for the CloudFront edge', () => {
    expect(
      from({ edge: 'cloudfront', domainName: 'api.example.com', certificateArn: CERTIFICATE }),
    ).toMatchObject({ domainName: 'api.example.com', certificateArn: CERTIFICATE });
  });

  it.each([
    [
      { edge: 'cloudfront', domainName: 'api.example.com' },
      'Context domainName and certificateArn go together; got only domainName',
    ],
    [
      { edge: 'none', domainName: 'api.example.com', certificateArn: CERTIFICATE },
      'Context domainName needs edge=cloudfront',
    ],
    [
      {
        edge: 'cloudfront',
        domainName: 'api.example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
      },
      'Context certificateArn must be an ACM certificate in us-east-1 (CloudFront reads it there)',
    ],
  ])('refuses %j with a clear message', (context, message) => {
    expect(() => from(context)).toThrow(message);
  });
});
