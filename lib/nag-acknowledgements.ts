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
  },
  options: { readonly production: boolean },
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
  ack(
    parts.cacheAuthToken,
    'AwsSolutions-SMG4',
    'Rotating the ElastiCache AUTH token needs a ModifyReplicationGroup with a ROTATE strategy; done by operators.',
  );
  if (!options.production) {
    ack(
      parts.cache,
      'AwsSolutions-AEC4',
      'Non-production stages use one cache node; production stages are Multi-AZ.',
    );
  }
};
