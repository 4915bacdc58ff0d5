import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

const REPO_ROOT = path.join(__dirname, '..', '..');

export interface GatewayFunctionProps {
  /** Route table bundled with the function, relative to the repository root. @default 'config/gateway.yml' */
  readonly configPath?: string;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Upper bound for one request, upstream included. @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Run in this VPC's private subnets (to reach the cache). @default no VPC */
  readonly vpc?: IVpc;
  readonly securityGroups?: ISecurityGroup[];
  /** Settings for the runtime: table, cache endpoint, secret ARNs, upstream URLs. Never secret values. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The gateway Lambda function: Node.js 22 on ARM64, bundled as ESM by the locally installed
 * esbuild (never Docker), minified with source maps, with the route table copied beside it.
 */
export class GatewayFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: GatewayFunctionProps = {}) {
    const configPath = props.configPath ?? 'config/gateway.yml';
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: path.join(REPO_ROOT, 'functions', 'gateway', 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            ...(props.securityGroups ? { securityGroups: props.securityGroups } : {}),
          }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        GATEWAY_CONFIG: 'config/gateway.yml',
        POWERTOOLS_SERVICE_NAME: 'gateway',
        POWERTOOLS_METRICS_NAMESPACE: 'Gateway',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        loader: { '.lua': 'text' },
        // The AWS SDK v3 and some dependencies call require() on Node built-ins; an ESM bundle
        // has no require unless we make one.
        banner:
          "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/config"`,
            `cp "${path.join(inputDir, configPath)}" "${outputDir}/config/gateway.yml"`,
          ],
        },
      },
    });
  }
}
