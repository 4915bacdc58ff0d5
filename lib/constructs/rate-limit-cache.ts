import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface RateLimitCacheProps {
  readonly vpc: IVpc;
  /** @default 'cache.t4g.micro' */
  readonly nodeType?: string;
  /** Two nodes in two AZs with automatic failover (production stages). @default false */
  readonly multiAz?: boolean;
  /** `redis` or `valkey`. @default 'redis' */
  readonly engine?: 'redis' | 'valkey';
  /**
   * Not the default 6379: scanners try that first (cdk-nag AwsSolutions-AEC5).
   * @default 6380
   */
  readonly port?: number;
  /** @default the VPC's private subnets with egress */
  readonly subnets?: SubnetSelection;
  /** Keep the AUTH token secret and the slow log when the stack is deleted. @default false */
  readonly retain?: boolean;
}

/**
 * ElastiCache for the rate-limit buckets: encryption in transit (TLS) and at rest, an AUTH token
 * generated into Secrets Manager, private subnets, and a security group that admits nothing until
 * `allowFrom` is called for the gateway function.
 */
export class RateLimitCache extends Construct {
  readonly authToken: Secret;
  readonly securityGroup: SecurityGroup;
  readonly host: string;
  readonly port: number;
  /** The member clusters (one per node: `<group>-001`, `-002`), the dimension of ElastiCache metrics. */
  readonly cacheClusterIds: readonly string[];
  /** The replication group's id, which `ModifyReplicationGroup` takes. */
  readonly replicationGroupId: string;

  constructor(scope: Construct, id: string, props: RateLimitCacheProps) {
    super(scope, id);
    this.port = props.port ?? 6380;
    this.authToken = new Secret(this, 'AuthToken', {
      description: 'AUTH token of the gateway rate-limit cache',
      // ElastiCache AUTH tokens: 16-128 printable characters, none of / " @ or space.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Gateway rate-limit cache: only the gateway function may connect',
      allowAllOutbound: false,
    });
    const subnets = new CfnSubnetGroup(this, 'Subnets', {
      description: 'Private subnets of the gateway rate-limit cache',
      subnetIds: props.vpc.selectSubnets(
        props.subnets ?? { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      ).subnetIds,
    });
    const slowLog = new LogGroup(this, 'SlowLog', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const multiAz = props.multiAz ?? false;
    const group = new CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'Gateway rate-limit buckets',
      engine: props.engine ?? 'redis',
      engineVersion: props.engine === 'valkey' ? '8.0' : '7.1',
      cacheNodeType: props.nodeType ?? 'cache.t4g.micro',
      numCacheClusters: multiAz ? 2 : 1,
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz,
      port: this.port,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      // A CloudFormation dynamic reference ({{resolve:secretsmanager:...}}), not the value itself.
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 0,
      logDeliveryConfigurations: [
        {
          destinationType: 'cloudwatch-logs',
          logFormat: 'json',
          logType: 'slow-log',
          destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
        },
      ],
    });
    this.host = group.attrPrimaryEndPointAddress;
    this.replicationGroupId = group.ref;
    const nodes = multiAz ? 2 : 1;
    this.cacheClusterIds = Array.from(
      { length: nodes },
      (_, index) => `${group.ref}-${String(index + 1).padStart(3, '0')}`,
    );
  }

  /** Admits connections from the given security group on the cache port. */
  allowFrom(peer: SecurityGroup, description = 'gateway function'): void {
    this.securityGroup.addIngressRule(
      Peer.securityGroupId(peer.securityGroupId),
      Port.tcp(this.port),
      description,
    );
  }
}
