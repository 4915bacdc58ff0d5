import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  type IVpc,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface GatewayNetworkProps {
  /** Use this VPC instead of creating one (it needs private subnets with egress). @default a new VPC */
  readonly vpc?: IVpc;
  /** NAT gateways of a new VPC: 1 is cheaper, one per AZ survives an AZ outage. @default 1 */
  readonly natGateways?: number;
  /** @default 2 */
  readonly maxAzs?: number;
}

/**
 * Where the function and the cache live: private subnets with egress (upstreams on the internet go
 * out through NAT), a gateway endpoint so DynamoDB traffic stays off the NAT, and flow logs.
 */
export class GatewayNetwork extends Construct {
  readonly vpc: IVpc;

  constructor(scope: Construct, id: string, props: GatewayNetworkProps = {}) {
    super(scope, id);
    if (props.vpc) {
      this.vpc = props.vpc;
      return;
    }
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 2,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogGroup', {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
      trafficType: FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
  }
}
