import { synthApp } from './synth';

const UPSTREAMS = {
  ORDERS_URL: 'https://orders.internal.example.com',
  CATALOG_URL: 'https://catalog.internal.example.com',
};

/** The deploy guide's example, exactly as docs/deployment.md gives it to `cdk deploy`. */
const example = synthApp({
  stage: 'example',
  gatewayConfigPath: 'config/examples/production.yml',
  upstreamEnvironment: JSON.stringify(UPSTREAMS),
});

describe('Infra: the deployment guide example (config/examples/production.yml)', () => {
  it('synthesizes, and hands the function the upstream URLs its routes name', () => {
    expect({ status: example.status, stderr: example.stderr }).toMatchObject({ status: 0 });
    const template = example.template?.toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const gateway = Object.entries(template.Resources).find(
      ([id, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && id.startsWith('GatewayFunction'),
    )?.[1];
    expect(gateway).toBeDefined();
    expect(
      (
        (gateway?.Properties.Environment ?? { Variables: {} }) as {
          Variables: Record<string, unknown>;
        }
      ).Variables,
    ).toMatchObject(UPSTREAMS);
    expect(example.warnings.join('\n')).not.toContain('loopback');
  });

  it('refuses the example without its upstream URLs, naming the variable', () => {
    const missing = synthApp({
      stage: 'example-missing',
      gatewayConfigPath: 'config/examples/production.yml',
      upstreamEnvironment: JSON.stringify({ ORDERS_URL: UPSTREAMS.ORDERS_URL }),
    });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('CATALOG_URL');
  });

  it('warns when a deployed route would forward to a loopback address (the shipped demo table, unset)', () => {
    const demo = synthApp({ stage: 'demo-loopback' });
    expect(demo.status).toBe(0);
    expect(demo.warnings.join('\n')).toMatch(
      /Routes demo, demo-stream, users of config\/gateway\.yml forward to a loopback address/,
    );
  });
});
