import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface EdgeLogBucketProps {
  /** @default Duration.days(90) */
  readonly retention?: Duration;
}

/**
 * Where CloudFront writes its standard (access) logs: private, SSL only, S3-managed keys (standard
 * logging cannot write to SSE-KMS buckets), ACLs allowed because standard logging delivers through
 * the `awslogsdelivery` ACL grant, objects expired after the retention. Retained when the stack
 * is destroyed: logs are evidence, and a non-empty bucket would fail the delete anyway.
 */
export class EdgeLogBucket extends Bucket {
  constructor(scope: Construct, id: string, props: EdgeLogBucketProps = {}) {
    super(scope, id, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.retention ?? Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'This bucket holds the CloudFront access logs; logging access to it into yet another bucket would only move the finding.',
    });
  }
}
