import { resources, synthApp } from './synth';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const traced = synthApp({ stage: 'traced', tracing: 'active' });
const untraced = synthApp({ stage: 'untraced' });

const gatewayFunction = (template: NonNullable<typeof traced.template>) => {
  const found = resources(template, 'AWS::Lambda::Function').filter(([id]) =>
    id.startsWith('GatewayFunction'),
  );
  expect(found).toHaveLength(1);
  return found[0]?.[1].Properties ?? {};
};

const roleStatements = (template: NonNullable<typeof traced.template>): Statement[] => {
  const roleId = resources(template, 'AWS::IAM::Role').find(([id]) =>
    id.startsWith('GatewayFunctionServiceRole'),
  )?.[0];
  return resources(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(String(roleId)))
    .flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
};

describe('Infra: tracing (cdk synth -c tracing=active)', () => {
  it('synthesizes with cdk-nag clean in both settings', () => {
    expect({ status: traced.status, stderr: traced.stderr }).toMatchObject({ status: 0 });
    expect({ status: untraced.status, stderr: untraced.stderr }).toMatchObject({ status: 0 });
  });

  it('turns on active X-Ray tracing and tells the runtime to trace', () => {
    const props = gatewayFunction(traced.template as NonNullable<typeof traced.template>);
    expect(props.TracingConfig).toEqual({ Mode: 'Active' });
    expect(
      (props.Environment as { Variables: Record<string, unknown> }).Variables.GATEWAY_TRACING,
    ).toBe('active');
  });

  it('is off by default: no tracing config, no variable, no X-Ray grant', () => {
    const template = untraced.template as NonNullable<typeof untraced.template>;
    const props = gatewayFunction(template);
    expect(props.TracingConfig).toBeUndefined();
    expect(
      (props.Environment as { Variables: Record<string, unknown> }).Variables.GATEWAY_TRACING,
    ).toBeUndefined();
    expect(JSON.stringify(roleStatements(template))).not.toContain('xray:');
  });

  it('adds only the X-Ray write calls, the one grant that cannot name a resource', () => {
    const statements = roleStatements(traced.template as NonNullable<typeof traced.template>);
    const wildcard = statements.filter((statement) =>
      JSON.stringify(statement.Resource).includes('"*"'),
    );
    expect(wildcard).toEqual([
      {
        Effect: 'Allow',
        Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Resource: '*',
      },
    ]);
  });

  it('refuses an unknown tracing mode', () => {
    const refused = synthApp({ stage: 'badtrace', tracing: 'passive' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('Context tracing must be one of active, off; got "passive"');
  });
});
