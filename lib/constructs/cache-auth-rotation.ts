import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IVpc, SecurityGroup, type SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import {
  Effect,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { cacheAuthRotationStatements } from '../cache-auth-rotation-access';
import type { RateLimitCache } from './rate-limit-cache';

const REPO_ROOT = path.join(__dirname, '..', '..');

export interface CacheAuthRotationProps {
  readonly cache: RateLimitCache;
  readonly vpc: IVpc;
  readonly subnets: SubnetSelection;
  /** Days between rotations (Secrets Manager allows 4 hours to 1000 days; whole days here). */
  readonly rotateAfterDays: number;
  /** Keep the function's log group when the stack is deleted. @default false */
  readonly retain?: boolean;
  /** A failed rotation step notifies this topic. */
  readonly alarmTopic: ITopic;
}

/**
 * A Secrets Manager rotation schedule for the cache's AUTH token, with its rotation function
 * (`functions/cache-auth-rotation/`): ROTATE, test, then SET, so gateway containers keep working
 * and follow the change on their next connection. The function runs in the cache's subnets to test
 * the new token, and needs a route to the Secrets Manager and ElastiCache APIs (the NAT, or the
 * interface endpoints `vpcEndpoints` adds).
 */
export class CacheAuthRotation extends Construct {
  readonly function: NodejsFunction;
  readonly securityGroup: SecurityGroup;
  readonly failureAlarm: Alarm;

  constructor(scope: Construct, id: string, props: CacheAuthRotationProps) {
    super(scope, id);
    const { cache } = props;
    const stack = Stack.of(this);
    const logGroup = new LogGroup(this, 'LogGroup', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Cache AUTH token rotation: its log group, the token secret, the cache',
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      ],
    });
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const arnOf = (type: 'replicationgroup' | 'cluster', name: string) =>
      `arn:${stack.partition}:elasticache:${stack.region}:${stack.account}:${type}:${name}`;
    for (const statement of cacheAuthRotationStatements({
      secretArn: cache.authToken.secretArn,
      cacheArns: [
        arnOf('replicationgroup', cache.replicationGroupId),
        ...cache.cacheClusterIds.map((clusterId) => arnOf('cluster', clusterId)),
      ],
    })) {
      role.addToPolicy(statement);
    }

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Cache AUTH token rotation: to the cache and the AWS APIs',
      allowAllOutbound: true,
    });
    cache.allowFrom(this.securityGroup, 'AUTH token rotation');

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(REPO_ROOT, 'functions', 'cache-auth-rotation', 'handler.ts'),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // A ModifyReplicationGroup takes minutes to apply; each step waits for it within this.
      timeout: Duration.minutes(15),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      environment: {
        REPLICATION_GROUP_ID: cache.replicationGroupId,
        REDIS_HOST: cache.host,
        REDIS_PORT: String(cache.port),
        REDIS_TLS: 'true',
        POWERTOOLS_SERVICE_NAME: 'cache-auth-rotation',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner:
          "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    // Only Secrets Manager, and only for this account's secrets, may invoke it.
    this.function.addPermission('SecretsManagerInvoke', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceAccount: stack.account,
    });
    // The schedule itself, without `Secret.addRotationSchedule`, which would also grant
    // secretsmanager:GetRandomPassword on every resource.
    const schedule = new CfnRotationSchedule(this, 'Schedule', {
      secretId: cache.authToken.secretArn,
      rotationLambdaArn: this.function.functionArn,
      rotationRules: { scheduleExpression: `rate(${props.rotateAfterDays} days)` },
    });
    schedule.node.addDependency(this.function);

    // A failed step leaves the old token current and working: nothing breaks, but an operator
    // must look before the next schedule (the step's log names what failed).
    this.failureAlarm = new Alarm(this, 'FailureAlarm', {
      alarmDescription:
        'A cache AUTH token rotation step failed; the old token is still current (see the rotation function log)',
      metric: this.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const notify = new SnsAction(props.alarmTopic);
    this.failureAlarm.addAlarmAction(notify);
    this.failureAlarm.addOkAction(notify);
  }
}
