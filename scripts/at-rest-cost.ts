/**
 * `npm run cost:at-rest`: what the stack bills per month with no traffic, for three typical
 * settings. The resource counts come from the synthesized templates; the prices are AWS list
 * prices (us-east-1, on demand) written down below with their date, to be checked against the AWS
 * Pricing Calculator. Prints the markdown table docs/deployment.md carries (a test keeps the two
 * equal).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GatewayStack, type GatewayStackProps } from '../lib/gateway-stack';

/** USD, us-east-1 list prices; re-read them from the AWS price pages when they change. */
export const LIST_PRICES = {
  asOf: 'AWS price pages as last read for this table (2024 rates)',
  natGatewayHour: 0.045,
  cacheT4gMicroNodeHour: 0.016,
  interfaceEndpointAzHour: 0.01,
  secretMonth: 0.4,
  kmsKeyMonth: 1,
  alarmMonth: 0.1,
  /** Beyond the three free dashboards of an account. */
  dashboardMonth: 3,
} as const;

const HOURS_PER_MONTH = 730;

export interface AtRestInventory {
  readonly natGateways: number;
  readonly cacheNodes: number;
  /** Interface endpoints times the subnets (AZs) each is in. */
  readonly endpointAzs: number;
  readonly secrets: number;
  readonly kmsKeys: number;
  readonly alarms: number;
  readonly dashboards: number;
}

const count = (template: Template, type: string): number =>
  Object.keys(template.findResources(type)).length;

/** The billed-by-time resources of a synthesized stack. */
export const atRestInventory = (template: Template): AtRestInventory => {
  const groups = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'));
  const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).filter(
    (endpoint) => endpoint.Properties.VpcEndpointType === 'Interface',
  );
  return {
    natGateways: count(template, 'AWS::EC2::NatGateway'),
    cacheNodes: groups.reduce(
      (nodes, group) => nodes + Number(group.Properties.NumCacheClusters ?? 1),
      0,
    ),
    endpointAzs: endpoints.reduce(
      (azs, endpoint) => azs + (endpoint.Properties.SubnetIds as unknown[]).length,
      0,
    ),
    secrets: count(template, 'AWS::SecretsManager::Secret'),
    kmsKeys: count(template, 'AWS::KMS::Key'),
    alarms: count(template, 'AWS::CloudWatch::Alarm'),
    dashboards: count(template, 'AWS::CloudWatch::Dashboard'),
  };
};

export const monthlyCost = (inventory: AtRestInventory) => {
  const p = LIST_PRICES;
  const lines = {
    nat: inventory.natGateways * p.natGatewayHour * HOURS_PER_MONTH,
    cache: inventory.cacheNodes * p.cacheT4gMicroNodeHour * HOURS_PER_MONTH,
    endpoints: inventory.endpointAzs * p.interfaceEndpointAzHour * HOURS_PER_MONTH,
    secrets: inventory.secrets * p.secretMonth,
    keys: inventory.kmsKeys * p.kmsKeyMonth,
    monitoring: inventory.alarms * p.alarmMonth + inventory.dashboards * p.dashboardMonth,
  };
  return { ...lines, total: Object.values(lines).reduce((sum, value) => sum + value, 0) };
};

export const SETTINGS: readonly {
  readonly name: string;
  readonly props: Partial<GatewayStackProps>;
}[] = [
  { name: '`dev` (defaults)', props: { stage: 'dev' } },
  { name: '`prod` (Multi-AZ cache)', props: { stage: 'prod' } },
  {
    name: '`prod`, `natGateways=0`, `vpcEndpoints=true`',
    props: { stage: 'prod', natGateways: 0, vpcEndpoints: true },
  },
];

const synth = (props: Partial<GatewayStackProps>): Template => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new GatewayStack(app, `Gateway-cost-${props.stage}`, { stage: 'dev', ...props });
  return Template.fromStack(stack);
};

const usd = (value: number): string => `$${value.toFixed(2)}`;

/** The markdown table: one row per setting, what each resource line costs and the total. */
export const costTable = (): string => {
  const header =
    '| setting | NAT gateways | cache nodes (t4g.micro) | interface endpoints (x AZs) | secrets, KMS keys | alarms, dashboards | per month |';
  const rule = '| --- | --- | --- | --- | --- | --- | --- |';
  const rows = SETTINGS.map(({ name, props }) => {
    const inventory = atRestInventory(synth(props));
    const cost = monthlyCost(inventory);
    return `| ${name} | ${inventory.natGateways} (${usd(cost.nat)}) | ${inventory.cacheNodes} (${usd(cost.cache)}) | ${inventory.endpointAzs} (${usd(cost.endpoints)}) | ${inventory.secrets}, ${inventory.kmsKeys} (${usd(cost.secrets + cost.keys)}) | ${inventory.alarms}, ${inventory.dashboards} (${usd(cost.monitoring)}) | **${usd(cost.total)}** |`;
  });
  return [header, rule, ...rows].join('\n');
};

if (require.main === module) {
  if (process.argv.includes('--help')) {
    console.log(
      'Usage: npm run cost:at-rest\nPrints the at-rest monthly cost table of docs/deployment.md.',
    );
  } else {
    console.log(`List prices: AWS us-east-1, on demand, ${LIST_PRICES.asOf}; 730 hours a month.\n`);
    console.log(costTable());
  }
}
