import { RemovalPolicy } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  type ISecurityGroup,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface GatewayNetworkProps {
  /** Use this VPC instead of creating one (it needs private subnets with egress). @default a new VPC */
  readonly vpc?: IVpc;
  /**
   * NAT gateways of a new VPC: 1 is cheaper, one per AZ survives an AZ outage. 0 makes the private
   * subnets isolated (no internet), which needs `vpcEndpoints`. @default 1
   */
  readonly natGateways?: number;
  /** @default 2 */
  readonly maxAzs?: number;
  /**
   * Add the VPC endpoints the function needs to start without NAT: Secrets Manager (interface) and,
   * in a VPC of yours, DynamoDB (gateway; a new VPC always has one). @default false
   */
  readonly vpcEndpoints?: boolean;
  /** Keep the flow log group when the stack is deleted. @default false */
  readonly retain?: boolean;
}

/** The message a synth fails with when the function would have no route to what it needs. */
export const NO_ROUTE_MESSAGE =
  'natGateways=0 leaves the gateway function no route to Secrets Manager (it reads its secrets at init) ' +
  'and it would hang until Lambda times the init out. Add the VPC endpoints it needs with ' +
  '-c vpcEndpoints=true (Secrets Manager interface endpoint, DynamoDB gateway endpoint; upstreams must ' +
  'then be reachable inside the VPC: peering, Transit Gateway or PrivateLink), or keep natGateways >= 1.';

/**
 * Where the function and the cache live: private subnets with egress (upstreams on the internet go
 * out through NAT), a gateway endpoint so DynamoDB traffic stays off the NAT, and flow logs. With no
 * NAT, isolated subnets and the endpoints the function needs.
 */
export class GatewayNetwork extends Construct {
  readonly vpc: IVpc;
  /** Where the function and the cache run. */
  readonly privateSubnets: SubnetSelection;
  private readonly vpcEndpoints: boolean;

  constructor(scope: Construct, id: string, props: GatewayNetworkProps = {}) {
    super(scope, id);
    this.vpcEndpoints = props.vpcEndpoints ?? false;
    const natGateways = props.natGateways ?? 1;
    if (!props.vpc && natGateways === 0 && !this.vpcEndpoints) throw new Error(NO_ROUTE_MESSAGE);
    if (props.vpc) {
      this.vpc = props.vpc;
      this.privateSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };
      if (this.vpcEndpoints) {
        this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
          service: GatewayVpcEndpointAwsService.DYNAMODB,
        });
      }
      return;
    }
    const privateType =
      natGateways === 0 ? SubnetType.PRIVATE_ISOLATED : SubnetType.PRIVATE_WITH_EGRESS;
    this.privateSubnets = { subnetType: privateType };
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs ?? 2,
      natGateways,
      subnetConfiguration: [
        // Without NAT nothing needs a public subnet (the Function URL is not in the VPC).
        ...(natGateways > 0
          ? [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }]
          : []),
        { name: 'private', subnetType: privateType, cidrMask: 22 },
      ],
      gatewayEndpoints: { DynamoDb: { service: GatewayVpcEndpointAwsService.DYNAMODB } },
    });
    vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(
        new LogGroup(this, 'FlowLogGroup', {
          retention: RetentionDays.ONE_MONTH,
          removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
      ),
      trafficType: FlowLogTrafficType.REJECT,
    });
    this.vpc = vpc;
  }

  /** Security group of the interface endpoints, once one exists. */
  private endpointSecurityGroup?: SecurityGroup;

  /**
   * With `vpcEndpoints`, the Secrets Manager interface endpoint (private DNS, so the SDK's default
   * endpoint resolves to it), open on 443 to the function's security group only.
   */
  addEndpointsFor(functionSecurityGroup: ISecurityGroup): void {
    if (!this.vpcEndpoints) return;
    const endpoints = this.endpointsGroup();
    this.admit(endpoints, functionSecurityGroup, 'gateway function');
    this.vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      privateDnsEnabled: true,
      subnets: this.privateSubnets,
      securityGroups: [endpoints],
      open: false,
    });
  }

  /**
   * With `vpcEndpoints`, what the AUTH token rotation function also needs without a NAT: the
   * Secrets Manager endpoint and an ElastiCache API endpoint, open to its security group only.
   * Call after `addEndpointsFor`.
   */
  addRotationEndpointsFor(rotationSecurityGroup: ISecurityGroup): void {
    if (!this.vpcEndpoints) return;
    const endpoints = this.endpointsGroup();
    this.admit(endpoints, rotationSecurityGroup, 'AUTH token rotation');
    this.vpc.addInterfaceEndpoint('ElastiCacheEndpoint', {
      service: InterfaceVpcEndpointAwsService.ELASTICACHE,
      privateDnsEnabled: true,
      subnets: this.privateSubnets,
      securityGroups: [endpoints],
      open: false,
    });
  }

  private endpointsGroup(): SecurityGroup {
    this.endpointSecurityGroup ??= new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'AWS API endpoints: HTTPS from the gateway functions only',
      allowAllOutbound: false,
    });
    return this.endpointSecurityGroup;
  }

  private admit(endpoints: SecurityGroup, peer: ISecurityGroup, description: string): void {
    endpoints.addIngressRule(
      Peer.securityGroupId(peer.securityGroupId),
      Port.tcp(443),
      description,
    );
  }
}
