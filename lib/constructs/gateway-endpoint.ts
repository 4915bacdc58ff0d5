import { Duration } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import {
  type FunctionUrl,
  FunctionUrlAuthType,
  HttpMethod,
  InvokeMode,
  type Function as LambdaFunction,
} from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EnvName } from '../../functions/gateway/config/environment-names';
import { ClientAddressSource } from '../../functions/gateway/http/client-address';
import { GatewayEdge } from './gateway-edge';

export interface GatewayEndpointProps {
  /** The gateway function; behind CloudFront it is told so through its environment. */
  readonly function: LambdaFunction;
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
  /** A custom domain for the distribution (edge `cloudfront`); needs `certificateArn`. */
  readonly domainName?: string;
  /** An ACM certificate in us-east-1 for `domainName`. */
  readonly certificateArn?: string;
}

const ALLOWED_HEADERS = ['content-type', 'x-correlation-id'] as const;
/**
 * Behind CloudFront a browser also sends the payload hash OAC needs for POST and PUT (Lambda takes
 * no unsigned payloads) and its own Authorization, which the viewer-request function carries.
 */
const EDGE_ALLOWED_HEADERS = ['x-amz-content-sha256', 'authorization'] as const;

/** How clients reach the function: its Function URL, optionally behind CloudFront. */
export class GatewayEndpoint extends Construct {
  readonly functionUrl: FunctionUrl;
  readonly distribution?: Distribution;
  /** The URL clients use. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: GatewayEndpointProps) {
    super(scope, id);
    const behindCloudFront = props.edge === 'cloudfront';
    if (!behindCloudFront && (props.domainName || props.certificateArn)) {
      throw new Error('GatewayEndpoint: domainName and certificateArn need edge cloudfront');
    }
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
              allowedHeaders: behindCloudFront
                ? [...ALLOWED_HEADERS, ...EDGE_ALLOWED_HEADERS]
                : [...ALLOWED_HEADERS],
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
    // Set together with the AWS_IAM URL above: only then is CloudFront the one caller, and only
    // then may the gateway believe CloudFront-Viewer-Address and the carried Authorization.
    props.function.addEnvironment(
      EnvName.GATEWAY_CLIENT_ADDRESS,
      ClientAddressSource.cloudFrontViewerAddress,
    );
    const edge = new GatewayEdge(this, 'Edge', {
      functionUrl: this.functionUrl,
      functionTimeout: props.function.timeout ?? Duration.seconds(3),
      ...(props.domainName ? { domainName: props.domainName } : {}),
      ...(props.certificateArn ? { certificateArn: props.certificateArn } : {}),
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    });
    this.distribution = edge.distribution;
    this.url = edge.url;
  }
}
