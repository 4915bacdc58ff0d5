import { Match } from 'aws-cdk-lib/assertions';
import { NO_ROUTE_MESSAGE } from '../../lib/constructs/network';
import { only, resources, synthApp } from './synth';

// `cdk synth -c natGateways=0`, and the same with the endpoints the function needs.
const refused = synthApp({ stage: 'nonat', natGateways: '0' });
const endpoints = synthApp({ stage: 'private', natGateways: '0', vpcEndpoints: 'true' });

describe('Infra: natGateways=0', () => {
  it('fails the synth with a message naming the missing route and the fix', () => {
    expect(refused.status).not.toBe(0);
    expect(refused.template).toBeUndefined();
    expect(refused.stderr).toContain(NO_ROUTE_MESSAGE);
    expect(NO_ROUTE_MESSAGE).toMatch(/Secrets Manager.*-c vpcEndpoints=true/s);
  });

  it('with vpcEndpoints=true synthesizes, cdk-nag clean, with no NAT and the endpoints the function needs', () => {
    expect(endpoints.stderr).not.toMatch(/AwsSolutions-/);
    expect(endpoints.status).toBe(0);
    const template = endpoints.template;
    if (!template) throw new Error('no template');

    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('dynamodb')])] },
      VpcEndpointType: 'Gateway',
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('secretsmanager')])],
      },
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
  });

  it('opens the Secrets Manager endpoint on 443 to the function only, and runs both in isolated subnets', () => {
    const template = endpoints.template;
    if (!template) throw new Error('no template');
    const groups = resources(template, 'AWS::EC2::SecurityGroup').filter(([id]) =>
      id.startsWith('NetworkEndpointSecurityGroup'),
    );
    expect(groups).toHaveLength(1);
    expect(groups[0]?.[1].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: {
          'Fn::GetAtt': [expect.stringMatching(/^FunctionSecurityGroup/), 'GroupId'],
        },
      }),
    ]);
    const subnets = JSON.stringify(
      (only(template, 'AWS::Lambda::Function').Properties.VpcConfig as { SubnetIds: unknown })
        .SubnetIds,
    );
    expect(subnets).toMatch(/privateSubnet/i);
    // Isolated subnets have no default route: no 0.0.0.0/0 route anywhere in the VPC.
    template.resourcePropertiesCountIs('AWS::EC2::Route', { DestinationCidrBlock: '0.0.0.0/0' }, 0);
  });
});
