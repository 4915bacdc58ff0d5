import { Duration } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  type FunctionUrl,
  FunctionUrlAuthType,
  HttpMethod,
  type IFunction,
  InvokeMode,
} from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface GatewayEndpointProps {
  readonly function: IFunction;
  /** `BUFFERED` (6 MB responses) or `RESPONSE_STREAM` (streaming routes). @default BUFFERED */
  readonly invokeMode?: InvokeMode;
  /** Browser origins allowed to call the gateway (CORS on the Function URL). @default none */
  readonly corsAllowedOrigins?: readonly string[];
  /**
   * `cloudfront`: a CloudFront distribution in front, with origin access control, and the URL set
   * to AWS_IAM so nobody can call the function around CloudFront. @default 'none'
   */
  readonly edge?: 'none' | 'cloudfront';
  /** An existing WAF web ACL (scope CLOUDFRONT, made in us-east-1) for the distribution. */
  readonly webAclArn?: string;
}

/** How clients reach the function: its Function URL, optionally behind CloudFront. */
export class GatewayEndpoint extends Construct {
  readonly functionUrl: FunctionUrl;
  readonly distribution?: Distribution;
  /** The URL clients use. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GatewayEndpointProps) {
    super(scope, id);
    const behindCloudFront = props.edge === 'cloudfront';
    const origins = props.corsAllowedOrigins ?? [];
    this.functionUrl = props.function.addFunctionUrl({
      // The gateway does its own authentication; IAM only guards the CloudFront-only path.
      authType: behindCloudFront ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
      invokeMode: props.invokeMode ?? InvokeMode.BUFFERED,
      ...(origins.length > 0
        ? {
            cors: {
              allowedOrigins: [...origins],
              allowedMethods: [HttpMethod.ALL],
              allowedHeaders: ['content-type', 'x-correlation-id'],
              exposedHeaders: [
                'x-correlation-id',
                'ratelimit-limit',
                'ratelimit-remaining',
                'ratelimit-reset',
                'retry-after',
              ],
              allowCredentials: true,
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    if (!behindCloudFront) {
      this.url = this.functionUrl.url;
      return;
    }
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'API gateway',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: FunctionUrlOrigin.withOriginAccessControl(this.functionUrl),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // An API: nothing cached, everything the client sent (but Host, which OAC signs) forwarded.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
