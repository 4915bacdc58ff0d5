import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  AssetHashType,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Token,
} from 'aws-cdk-lib';
import {
  type ISecurityGroup,
  type IVpc,
  type SubnetSelection,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import {
  Effect,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { EnvName } from '../../functions/gateway/config/environment-names';
import {
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_SERVICE_NAME,
} from '../../functions/gateway/observability/metric-names';
import { gatewayEsbuildOptions } from './gateway-bundling';
import { compiledRouteTableFile } from './gateway-route-table';

const REPO_ROOT = path.join(__dirname, '..', '..');

export interface GatewayFunctionProps {
  /**
   * The YAML route table: absolute, or relative to the repository root. It is checked at synth
   * and ships compiled to JSON (`config/gateway.json`). @default 'config/gateway.yml'
   */
  readonly configPath?: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Upper bound for one request, upstream included. @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Run in this VPC's private subnets (to reach the cache). @default no VPC */
  readonly vpc?: IVpc;
  /** The subnets it runs in. @default the VPC's private subnets with egress */
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /** Level of the application log lines Lambda keeps (JSON log format). @default 'INFO' */
  readonly applicationLogLevel?: GatewayLogLevel;
  /** Concurrency reserved for (and capping) the function. @default none: the account's pool */
  readonly reservedConcurrentExecutions?: number;
  /** Keep the log group when the stack is deleted (production stages). @default false */
  readonly retain?: boolean;
  /**
   * X-Ray: the invocation, its DynamoDB, Redis and upstream calls as subsegments (Powertools
   * tracer, `GATEWAY_TRACING=active`). @default false
   */
  readonly tracing?: boolean;
  /** Settings for the runtime: table, cache endpoint, secret ARNs, upstream URLs. Never secret values. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Lambda drops JSON lines below the application log level, and gives a line without a `level` key
 * (every EMF metrics document) the level INFO: WARN or ERROR would silently drop every metric, so
 * only these levels are offered.
 */
export const GatewayLogLevels = ['TRACE', 'DEBUG', 'INFO'] as const;
export type GatewayLogLevel = (typeof GatewayLogLevels)[number];

/**
 * The asset, built on this machine by the installed esbuild with `gatewayEsbuildOptions` (never
 * Docker): `index.mjs`, the chunks it loads on demand, their source maps, and the route table
 * compiled at synth in `config/gateway.json`. Not NodejsFunction's bundling: it runs esbuild's
 * command line with one output file, and code splitting needs an output folder.
 */
const localAsset = (routeTable: string): ILocalBundling => ({
  tryBundle: (outputDir: string) => {
    buildSync(
      gatewayEsbuildOptions({
        entry: path.join(REPO_ROOT, 'functions', 'gateway', 'handler.ts'),
        outdir: outputDir,
      }),
    );
    mkdirSync(path.join(outputDir, 'config'), { recursive: true });
    cpSync(routeTable, path.join(outputDir, 'config', 'gateway.json'));
    return true;
  },
});

/**
 * The gateway Lambda function: Node.js 24 on ARM64, bundled as ESM by the locally installed
 * esbuild (never Docker), minified, split into chunks loaded on demand, with the route table
 * beside it compiled to JSON at synth (the function loads no YAML parser or config schema at
 * init).
 */
export class GatewayFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: GatewayFunctionProps = {}) {
    const configPath = props.configPath ?? 'config/gateway.yml';
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole, which may write to any log group: this
    // one writes only to the function's own. The data statements come from lib/gateway-access.ts.
    const role = new Role(scope, `${id}ServiceRole`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Gateway function: its own log group, its table, its two secrets',
      ...(props.vpc
        ? {
            managedPolicies: [
              ManagedPolicy.fromAwsManagedPolicyName(
                'service-role/AWSLambdaVPCAccessExecutionRole',
              ),
            ],
          }
        : {}),
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const logLevel = props.applicationLogLevel ?? 'INFO';
    // Checked with what the function will see: the synth's environment and the stack's settings
    // (values only CloudFormation knows are left out); `${VAR}`s stay for the function to expand.
    const routeTable = compiledRouteTableFile(configPath, {
      ...process.env,
      ...Object.fromEntries(
        Object.entries(props.environment ?? {}).filter(([, value]) => !Token.isUnresolved(value)),
      ),
    });
    super(scope, id, {
      code: Code.fromAsset(REPO_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: localAsset(routeTable),
          // Never used: local bundling either builds the asset or throws.
          image: DockerImage.fromRegistry('unused-local-bundling-only'),
        },
      }),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[logLevel],
      // INFO keeps the START/REPORT lines and INIT_REPORT, which the init-failure alarm reads.
      systemLogLevelV2: SystemLogLevel.INFO,
      ...(props.tracing ? { tracing: Tracing.ACTIVE } : {}),
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: props.vpcSubnets ?? { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            ...(props.securityGroups ? { securityGroups: props.securityGroups } : {}),
          }
        : {}),
      environment: {
        [EnvName.GATEWAY_CONFIG]: 'config/gateway.json',
        POWERTOOLS_SERVICE_NAME: DEFAULT_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: DEFAULT_METRICS_NAMESPACE,
        // The same level as Lambda's filter, so the logger does not build lines Lambda drops.
        POWERTOOLS_LOG_LEVEL: logLevel,
        ...(props.tracing ? { [EnvName.GATEWAY_TRACING]: 'active' } : {}),
        ...props.environment,
      },
    });
  }
}
