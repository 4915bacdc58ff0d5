import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type IVpc, SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import {
  DEFAULT_SECRETS_MAX_AGE_SECONDS,
  EnvName,
} from '../functions/gateway/config/environment-names';
import { AlarmTopic } from './constructs/alarm-topic';
import { CacheAuthRotation } from './constructs/cache-auth-rotation';
import { GatewayEndpoint } from './constructs/gateway-endpoint';
import { GatewayFunction, type GatewayLogLevel } from './constructs/gateway-function';
import { GatewayMonitoring } from './constructs/gateway-monitoring';
import { LoginSecrets } from './constructs/login-secrets';
import { GatewayNetwork } from './constructs/network';
import { RateLimitCache } from './constructs/rate-limit-cache';
import { SessionSecret } from './constructs/session-secret';
import { SessionTable } from './constructs/session-table';
import {
  gatewayDynamoDbOperations,
  grantGatewayAccess,
  loginDynamoDbOperations,
} from './gateway-access';
import { isProductionStage } from './gateway-settings';
import { acknowledgeGatewayFindings } from './nag-acknowledgements';

export interface GatewayStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`. */
  readonly stage: string;
  /** Multi-AZ cache, retained table. @default stage is `prod` or `production` */
  readonly production?: boolean;
  /** @default 'config/gateway.yml' */
  readonly configPath?: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Keep it above the slowest route's timeout_ms (bin/ derives it from the route table). @default 30 s */
  readonly timeout?: Duration;
  /** An existing VPC with private subnets that have egress. @default a new VPC (or `vpcId`) */
  readonly vpc?: IVpc;
  /** Look up an existing VPC by id (needs `env` with account and region). */
  readonly vpcId?: string;
  /** NAT gateways of a new VPC. @default 1 */
  readonly natGateways?: number;
  /** @default 'cache.t4g.micro' */
  readonly cacheNodeType?: string;
  /** @default 'redis' */
  readonly cacheEngine?: 'redis' | 'valkey';
  /** @default InvokeMode.BUFFERED */
  readonly invokeMode?: InvokeMode;
  /** @default 'none' */
  readonly edge?: 'none' | 'cloudfront';
  /** WAF web ACL ARN for the CloudFront distribution (edge `cloudfront` only). */
  readonly webAclArn?: string;
  /** A custom domain for the distribution (edge `cloudfront` only); needs `certificateArn`. */
  readonly domainName?: string;
  /** ACM certificate (us-east-1) for `domainName`: viewers then get a TLSv1.2_2021 floor. */
  readonly certificateArn?: string;
  /** @default no CORS */
  readonly corsAllowedOrigins?: readonly string[];
  /** Environment for `${VAR}` references in the route table (upstream URLs). */
  readonly upstreamEnvironment?: Readonly<Record<string, string>>;
  /** Reserved (and maximum) concurrency of the function. @default none (bin/ gives prod stages one) */
  readonly reservedConcurrency?: number;
  /** VPC endpoints for Secrets Manager (and DynamoDB); required with `natGateways: 0`. @default false */
  readonly vpcEndpoints?: boolean;
  /** Subscribe this address to the alarm topic. @default no subscription */
  readonly alarmEmail?: string;
  /** Lambda's application log level (JSON log format). @default 'INFO' */
  readonly logLevel?: GatewayLogLevel;
  /** X-Ray active tracing of each request and its DynamoDB, Redis and upstream calls. @default false */
  readonly tracing?: boolean;
  /**
   * Rotate the cache's AUTH token every this many days (ROTATE, test, SET; gateway containers
   * follow without a restart). @default no schedule
   */
  readonly cacheAuthRotationDays?: number;
  /**
   * OpenID Connect login: the provider's issuer and the gateway's client id. Creates the client
   * secret (set it to the provider's value) and the token key, and grants the login's table writes.
   * @default no login
   */
  readonly oidc?: { readonly issuer: string; readonly clientId: string };
  /**
   * How long the function trusts a secret it read (`SECRETS_MAX_AGE_SECONDS`): a rotated session
   * key signs and verifies in every warm container within this many seconds. @default 300
   */
  readonly secretsMaxAgeSeconds?: number;
}

/**
 * Variables `events/env.json` sets for `sam local invoke`, declared with values that mean "unset"
 * to the code (an empty DYNAMODB_ENDPOINT is AWS's, an empty SESSION_SECRET is read from its ARN, an
 * empty DEMO_UPSTREAM_URL takes the route table's `:-` fallback). AWS_REGION and credentials are
 * Lambda's reserved names: SAM sets them itself (`--region`, the shell's profile).
 */
const LOCAL_OVERRIDES = {
  [EnvName.SESSION_SECRET]: '',
  [EnvName.DYNAMODB_ENDPOINT]: '',
  DEMO_UPSTREAM_URL: '',
} as const;

/** Composes the gateway's constructs; defines no resources inline. */
export class GatewayStack extends Stack {
  readonly gatewayFunction: GatewayFunction;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const production = props.production ?? isProductionStage(props.stage);

    const vpc =
      props.vpc ??
      (props.vpcId ? Vpc.fromLookup(this, 'ExistingVpc', { vpcId: props.vpcId }) : undefined);
    const network = new GatewayNetwork(this, 'Network', {
      ...(vpc ? { vpc } : {}),
      ...(props.natGateways !== undefined ? { natGateways: props.natGateways } : {}),
      vpcEndpoints: props.vpcEndpoints ?? false,
      retain: production,
    });
    const sessions = new SessionTable(this, 'Sessions', { retain: production });
    const sessionSecret = new SessionSecret(this, 'SessionSecret', { retain: production });
    const login = props.oidc
      ? new LoginSecrets(this, 'LoginSecrets', { retain: production })
      : undefined;
    const cache = new RateLimitCache(this, 'RateLimitCache', {
      vpc: network.vpc,
      subnets: network.privateSubnets,
      retain: production,
      multiAz: production,
      ...(props.cacheNodeType ? { nodeType: props.cacheNodeType } : {}),
      ...(props.cacheEngine ? { engine: props.cacheEngine } : {}),
    });

    const functionSecurityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: network.vpc,
      description: 'Gateway function: out to the cache, DynamoDB and upstreams',
      allowAllOutbound: true,
    });
    cache.allowFrom(functionSecurityGroup);
    network.addEndpointsFor(functionSecurityGroup);
    const alarms = new AlarmTopic(this, 'Alarms', {
      retain: production,
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });
    const rotation =
      props.cacheAuthRotationDays !== undefined
        ? new CacheAuthRotation(this, 'CacheAuthRotation', {
            cache,
            vpc: network.vpc,
            subnets: network.privateSubnets,
            rotateAfterDays: props.cacheAuthRotationDays,
            retain: production,
            alarmTopic: alarms.topic,
          })
        : undefined;
    if (rotation) network.addRotationEndpointsFor(rotation.securityGroup);

    this.gatewayFunction = new GatewayFunction(this, 'GatewayFunction', {
      vpc: network.vpc,
      vpcSubnets: network.privateSubnets,
      securityGroups: [functionSecurityGroup],
      retain: production,
      ...(props.logLevel ? { applicationLogLevel: props.logLevel } : {}),
      ...(props.tracing ? { tracing: true } : {}),
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      ...(props.configPath ? { configPath: props.configPath } : {}),
      ...(props.memorySize ? { memorySize: props.memorySize } : {}),
      ...(props.timeout ? { timeout: props.timeout } : {}),
      environment: {
        // Declared (empty: unset for the code) so `sam local invoke --env-vars events/env.json`,
        // which only overrides variables the template declares, can set them. Deployed, the
        // secret comes from SESSION_SECRET_ARN and DynamoDB from its AWS endpoint.
        ...LOCAL_OVERRIDES,
        ...props.upstreamEnvironment,
        [EnvName.SESSION_TABLE]: sessions.table.tableName,
        [EnvName.SESSION_SECRET_ARN]: sessionSecret.secret.secretArn,
        [EnvName.REDIS_HOST]: cache.host,
        [EnvName.REDIS_PORT]: String(cache.port),
        [EnvName.REDIS_TLS]: 'true',
        [EnvName.REDIS_AUTH_SECRET_ARN]: cache.authToken.secretArn,
        [EnvName.SECRETS_MAX_AGE_SECONDS]: String(
          props.secretsMaxAgeSeconds ?? DEFAULT_SECRETS_MAX_AGE_SECONDS,
        ),
        [EnvName.GATEWAY_INVOKE_MODE]:
          props.invokeMode === InvokeMode.RESPONSE_STREAM ? 'RESPONSE_STREAM' : 'BUFFERED',
        ...(props.oidc && login
          ? {
              [EnvName.OIDC_ISSUER]: props.oidc.issuer,
              [EnvName.OIDC_CLIENT_ID]: props.oidc.clientId,
              [EnvName.OIDC_CLIENT_SECRET_ARN]: login.clientSecret.secretArn,
              [EnvName.OIDC_TOKEN_KEY_ARN]: login.tokenKey.secretArn,
            }
          : {}),
      },
    });
    // Least privilege: exactly the calls the code makes (lib/gateway-access.ts), on its resources.
    grantGatewayAccess(this.gatewayFunction, {
      tableArn: sessions.table.tableArn,
      secretArns: [
        sessionSecret.secret.secretArn,
        cache.authToken.secretArn,
        ...(login ? [login.clientSecret.secretArn, login.tokenKey.secretArn] : []),
      ],
      ...(login ? { login: { byUserIndexArn: `${sessions.table.tableArn}/index/byUser` } } : {}),
    });

    const endpoint = new GatewayEndpoint(this, 'Endpoint', {
      function: this.gatewayFunction,
      invokeMode: props.invokeMode ?? InvokeMode.BUFFERED,
      edge: props.edge ?? 'none',
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
      ...(props.domainName ? { domainName: props.domainName } : {}),
      ...(props.certificateArn ? { certificateArn: props.certificateArn } : {}),
      ...(props.corsAllowedOrigins ? { corsAllowedOrigins: props.corsAllowedOrigins } : {}),
    });
    const monitoring = new GatewayMonitoring(this, 'Monitoring', {
      function: this.gatewayFunction,
      dashboardName: `Gateway-${props.stage}`,
      alarmTopic: alarms.topic,
      logGroup: this.gatewayFunction.logGroup,
      cacheClusterIds: cache.cacheClusterIds,
      tableName: sessions.table.tableName,
      tableOperations: login ? loginDynamoDbOperations : gatewayDynamoDbOperations,
    });

    acknowledgeGatewayFindings(
      {
        function: this.gatewayFunction,
        functionRole: this.gatewayFunction.role ?? this.gatewayFunction,
        sessionSecret: sessionSecret.secret,
        cacheAuthToken: cache.authToken,
        cache,
        ...(rotation ? { rotationRole: rotation.function.role ?? rotation.function } : {}),
        ...(login ? { loginSecrets: [login.clientSecret, login.tokenKey] } : {}),
      },
      { production, tracing: props.tracing ?? false },
    );

    new CfnOutput(this, 'GatewayUrl', {
      value: endpoint.url,
      description: 'Call the gateway here',
    });
    new CfnOutput(this, 'SessionTableName', {
      value: sessions.table.tableName,
      description: 'SESSION_TABLE for npm run session',
    });
    new CfnOutput(this, 'SessionSecretArn', {
      value: sessionSecret.secret.secretArn,
      description: 'The session signing secret',
    });
    new CfnOutput(this, 'FunctionSecurityGroupId', {
      value: functionSecurityGroup.securityGroupId,
      description:
        'Admit this security group in your upstreams (same or peered VPC) to let the gateway reach them',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: alarms.topic.topicArn,
      description: 'Every alarm notifies this topic; subscribe on-call tools to it',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${monitoring.dashboard.dashboardName}`,
    });
  }
}
