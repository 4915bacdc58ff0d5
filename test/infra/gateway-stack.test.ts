import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GatewayStack } from '../../lib/gateway-stack';

describe('Infra: GatewayStack', () => {
  // Asset metadata is what `sam local invoke` reads to find the bundle; the CLI turns it on.
  const app = new App({
    outdir: join(__dirname, '..', '..', 'cdk.out', 'test-infra'),
    context: { 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = new GatewayStack(app, 'Gateway-test', { stage: 'test' });
  const template = Template.fromStack(stack);

  it('runs the gateway on Node.js 22 and ARM64 with source maps on', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          GATEWAY_CONFIG: 'config/gateway.yml',
          POWERTOOLS_SERVICE_NAME: 'gateway',
        }),
      },
    });
  });

  it('exposes it through a Function URL that leaves auth to the gateway', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
    });
    template.hasOutput('GatewayUrl', {});
  });

  it('keeps its logs for a bounded time', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('bundles the route table beside the code', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Metadata: Record<string, string>;
    };
    const assetDir = join(app.outdir, fn.Metadata['aws:asset:path'] ?? '');

    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
    expect(existsSync(join(assetDir, 'config', 'gateway.yml'))).toBe(true);
  });

  it('serves an events/ file when its bundle is run as Lambda runs it', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Metadata: Record<string, string>;
      Properties: { Handler: string };
    };
    const assetDir = join(app.outdir, fn.Metadata['aws:asset:path'] ?? '');
    const [file, exportName] = fn.Properties.Handler.split('.');

    const stdout = execFileSync(
      process.execPath,
      [
        join(__dirname, '..', 'helpers', 'invoke-bundle.mjs'),
        assetDir,
        `${file}.mjs`,
        exportName ?? '',
        join(__dirname, '..', '..', 'events', 'not-found.json'),
      ],
      { encoding: 'utf8', env: { ...process.env, AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' } },
    );
    const result = JSON.parse(stdout.split('\nRESULT ')[1] ?? '') as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };

    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({
      error: 'not_found',
      correlation_id: expect.any(String),
    });
    expect(result.headers['x-frame-options']).toBe('DENY');
  });
});
