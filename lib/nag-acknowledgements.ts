import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const ack = (scope: IConstruct, rule: string, reason: string): void =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });

/**
 * cdk-nag AwsSolutions findings the gateway accepts, each with its reason. Everything else is fixed
 * in the constructs (flow logs, PITR, non-default cache port, TLS and AUTH on the cache, scoped IAM).
 * The CloudFront edge acknowledges its own findings (`constructs/gateway-edge.ts`), as they depend on
 * its settings.
 */
export const acknowledgeGatewayFindings = (
  parts: {
    readonly function: IConstruct;
    readonly functionRole: IConstruct;
    readonly sessionSecret: IConstruct;
    readonly cacheAuthToken: IConstruct;
    readonly cache: IConstruct;
    /** The AUTH token rotation function's role, when a schedule is set. */
    readonly rotationRole?: IConstruct;
    /** The login's client secret and token key, when the stack has login. */
    readonly loginSecrets?: readonly IConstruct[];
  },
  options: { readonly production: boolean; readonly tracing?: boolean },
): void => {
  ack(
    parts.functionRole,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    'Lambda needs these ENI permissions to run in the VPC; ec2:DescribeNetworkInterfaces supports no resource-level scoping, so AWS grants them as this managed policy does.',
  );
  ack(
    parts.sessionSecret,
    'AwsSolutions-SMG4',
    'Rotating the session secret is a two-key operation (current + previous) done by operators; see docs/sessions.md.',
  );
  if (parts.rotationRole) {
    ack(
      parts.rotationRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'The rotation function runs in the VPC to test the new token against the cache; ENI calls support no resource-level scoping.',
    );
  } else {
    ack(
      parts.cacheAuthToken,
      'AwsSolutions-SMG4',
      'No rotation schedule was asked for (cacheAuthRotationDays): operators rotate the AUTH token (docs/deployment.md).',
    );
  }
  if (options.tracing) {
    ack(
      parts.functionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level scoping (the X-Ray service authorization reference lists no resource types for them).',
    );
  }
  for (const secret of parts.loginSecrets ?? []) {
    ack(
      secret,
      'AwsSolutions-SMG4',
      'The OpenID client secret is issued by the provider and the token key must stay readable for live sessions: operators rotate both (docs/login.md).',
    );
  }
  if (!options.production) {
    ack(
      parts.cache,
      'AwsSolutions-AEC4',
      'Non-production stages use one cache node; production stages are Multi-AZ.',
    );
  }
};
