import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'aws-cdk-lib';
import { compileRouteTable } from '../../functions/gateway/loader/compile-route-table';
import { GatewayStack } from '../../lib/gateway-stack';
import { ROOT, synthApp } from './synth';

const SIX_MISTAKES = join(ROOT, 'test', 'fixtures', 'six-mistakes.yml');

/** A line of a V8 stack trace: `    at fn (file:line:col)`. */
const STACK_LINE = /^\s+at\s/m;

describe('cdk synth: a bad route table', () => {
  it('fails with every problem listed under the file name, and no stack trace', () => {
    // Act: the app as `cdk synth -c gatewayConfigPath=<absolute path>` runs it
    const synth = synthApp({ gatewayConfigPath: SIX_MISTAKES });

    // Assess
    expect(synth.status).toBe(1);
    expect(synth.template).toBeUndefined();
    expect(synth.stderr).toContain(`Invalid gateway config ${SIX_MISTAKES} (6 problems):`);
    expect(synth.stderr).toContain(
      'routes[orders].rate_limit.scope: "users" is not one of user, ip, route, global',
    );
    expect(synth.stderr).not.toMatch(STACK_LINE);
  });

  it('names a bad context setting the same way, without a stack trace', () => {
    const synth = synthApp({ stage: 'bad', natGateways: 'two' });

    expect(synth.status).toBe(1);
    expect(synth.stderr).toContain('Context natGateways must be an integer');
    expect(synth.stderr).not.toMatch(STACK_LINE);
  });
});

describe('cdk synth: gatewayConfigPath', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gateway-config-path-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The route table the synthesized asset carries, for a stack given `configPath`. */
  const bundledConfig = (configPath: string, name: string): unknown => {
    const app = new App({
      outdir: join(work, `cdk.out-${name}`),
      context: { 'aws:cdk:enable-asset-metadata': true },
    });
    new GatewayStack(app, `Gateway-${name}`, { stage: name, configPath });
    const assembly = app.synth();
    const template = assembly.getStackByName(`Gateway-${name}`).template as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const fn = Object.entries(template.Resources).find(
      ([id, resource]) =>
        resource.Type === 'AWS::Lambda::Function' && id.startsWith('GatewayFunction'),
    )?.[1];
    const asset = fn?.Metadata?.['aws:asset:path'] ?? 'missing';
    return JSON.parse(
      readFileSync(join(assembly.directory, asset, 'config', 'gateway.json'), 'utf8'),
    ) as unknown;
  };

  it('bundles a route table given by an absolute path, and by a relative one, compiled', () => {
    // Prepare: a table outside the repository, recognisable by a route of its own
    const outside = join(work, 'routes.yml');
    copyFileSync(join(ROOT, 'config', 'gateway.yml'), outside);
    const marked = readFileSync(outside, 'utf8').replace(
      /^routes:\n/m,
      'routes:\n  - { id: outside, path: /outside, methods: [GET], upstream: "http://127.0.0.1:9/x", auth_required: false }\n',
    );
    writeFileSync(outside, marked);
    const shipped = relative(ROOT, join(ROOT, 'config', 'gateway.yml'));

    // Act + Assess
    expect(bundledConfig(outside, 'abs')).toEqual(compileRouteTable(marked, outside));
    expect(bundledConfig(shipped, 'rel')).toEqual(
      compileRouteTable(readFileSync(join(ROOT, shipped), 'utf8'), shipped),
    );
  }, 120_000);
});
