import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const ack = (scope: IConstruct, rule: string, reason: string): void =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });

/**
 * cdk-nag AwsSolutions findings the gateway accepts, each with its reason. Everything else is fixed
 * in the constructs (flow logs, PITR, non-default cache port, TLS and AUTH on the cache, scoped IAM).
 */
export const acknowledgeGatewayFindings = (
  parts: {
    readonly function: IConstruct;
    readonly functionRole: IConstruct;
    readonly sessionSecret: IConstruct;
    readonly cacheAuthToken: IConstruct;
    readonly cache: IConstruct;
    readonly distribution?: IConstruct | undefined;
  },
  options: { readonly production: boolean; readonly webAcl: boolean },
): void => {
  ack(
    parts.functionRole,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    'Lambda needs these ENI permissions to run in the VPC; ec2:DescribeNetworkInterfaces supports no resource-level scoping, so AWS grants them as this managed policy does.',
  );
  ack(
    parts.sessionSecret,
    'AwsSolutions-SMG4',
    'Rotating the session secret is a two-key operation (current + previous) done by operators; see README.',
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
  if (parts.distribution) {
    ack(
      parts.distribution,
      'AwsSolutions-CFR1',
      'An API for clients anywhere: no geographic restriction.',
    );
    if (!options.webAcl)
      ack(
        parts.distribution,
        'AwsSolutions-CFR2',
        'WAF is optional: pass webAclArn to attach one.',
      );
    ack(
      parts.distribution,
      'AwsSolutions-CFR3',
      'Every request is logged by the gateway function (one access-log line with correlation id) in CloudWatch.',
    );
    ack(
      parts.distribution,
      'AwsSolutions-CFR4',
      'The default CloudFront certificate serves TLS 1.2+ clients; a custom domain and certificate are outside this stack.',
    );
  }
};
