import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionEventType,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EdgeLogBucket } from './edge-log-bucket';
import { ViewerAuthorizationFunction } from './viewer-authorization-function';

/**
 * CloudFront's origin timeouts without a quota increase: the response (read) timeout goes to 120 s
 * (the CloudFront API reference and aws-cdk-lib's FunctionUrlOrigin both name 120 s as the default
 * quota's maximum; a higher value fails the deploy unless the account has an increase), and 60 s is
 * the keep-alive every account accepts.
 */
export const ORIGIN_TIMEOUT_LIMITS = { readSeconds: 120, keepaliveSeconds: 60 } as const;

/** The origin timeouts for a function that may run `functionTimeout`, clamped to the limits. */
export const originTimeouts = (
  functionTimeout: Duration,
): { readonly readTimeout: Duration; readonly keepaliveTimeout: Duration } => {
  const seconds = Math.max(1, Math.ceil(functionTimeout.toSeconds()));
  return {
    readTimeout: Duration.seconds(Math.min(seconds, ORIGIN_TIMEOUT_LIMITS.readSeconds)),
    keepaliveTimeout: Duration.seconds(Math.min(seconds, ORIGIN_TIMEOUT_LIMITS.keepaliveSeconds)),
  };
};

export interface GatewayEdgeProps {
  /** The function's URL, AWS_IAM auth: CloudFront reaches it with origin access control. */
  readonly functionUrl: FunctionUrl;
  /** The function's timeout: CloudFront waits for the origin this long (within the limits). */
  readonly functionTimeout: Duration;
  /** A custom domain for the distribution; needs `certificateArn`. @default the *.cloudfront.net name */
  readonly domainName?: string;
  /** An ACM certificate in us-east-1 covering `domainName`. */
  readonly certificateArn?: string;
  /** An existing WAF web ACL (scope CLOUDFRONT, made in us-east-1). */
  readonly webAclArn?: string;
}

const ack = (scope: Construct, rule: string, reason: string): void =>
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });

/**
 * The CloudFront distribution in front of the Function URL: nothing cached, every viewer header
 * but Host forwarded (the managed AllViewerExceptHostHeader policy, which also adds CloudFront's
 * headers such as CloudFront-Viewer-Address), the viewer's Authorization carried past origin
 * access control, standard logs in their own bucket, and origin timeouts that let the slowest
 * route finish. A streaming (RESPONSE_STREAM) URL streams through it as is: CloudFront passes a
 * chunked origin response on as it arrives, and compression (which would buffer) is off.
 */
export class GatewayEdge extends Construct {
  readonly distribution: Distribution;
  readonly logBucket: EdgeLogBucket;
  /** The URL clients use. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GatewayEdgeProps) {
    super(scope, id);
    if ((props.domainName === undefined) !== (props.certificateArn === undefined)) {
      throw new Error('GatewayEdge: domainName and certificateArn go together');
    }
    this.logBucket = new EdgeLogBucket(this, 'LogBucket');
    const viewerAuthorization = new ViewerAuthorizationFunction(this, 'ViewerAuthorization');
    const certificate = props.certificateArn
      ? Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : undefined;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'API gateway',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      // Only a certificate of our own can raise the viewer TLS floor (see the CFR4 note below).
      ...(certificate && props.domainName
        ? {
            certificate,
            domainNames: [props.domainName],
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: FunctionUrlOrigin.withOriginAccessControl(props.functionUrl, {
          ...originTimeouts(props.functionTimeout),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // An API: nothing cached, everything the client sent (but Host, which OAC signs) forwarded.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: false,
        functionAssociations: [
          { function: viewerAuthorization, eventType: FunctionEventType.VIEWER_REQUEST },
        ],
      },
    });
    this.url = props.domainName
      ? `https://${props.domainName}`
      : `https://${this.distribution.distributionDomainName}`;
    if (props.domainName) {
      new CfnOutput(this, 'DistributionDomainName', {
        value: this.distribution.distributionDomainName,
        description: `Point ${props.domainName} here (CNAME, or an alias record in Route 53)`,
      });
    }

    ack(
      this.distribution,
      'AwsSolutions-CFR1',
      'An API for clients anywhere: no geographic restriction.',
    );
    if (!props.webAclArn) {
      ack(this.distribution, 'AwsSolutions-CFR2', 'WAF is optional: pass webAclArn to attach one.');
    }
    if (!certificate) {
      ack(
        this.distribution,
        'AwsSolutions-CFR4',
        'No custom domain was given, so viewers get the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1 and which cannot be raised. Pass domainName and certificateArn (ACM, us-east-1) for a TLSv1.2_2021 floor.',
      );
    }
  }
}
