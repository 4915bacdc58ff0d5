import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayStack, type GatewayStackProps } from '../../lib/gateway-stack';
import { recordChildOutput } from '../helpers/log-capture';

export const ROOT = join(__dirname, '..', '..');

/** A stack built in-process with cdk-nag on: an unacknowledged AwsSolutions error makes this throw. */
export const synthStack = (name: string, props: Partial<GatewayStackProps> = {}) => {
  const app = new App({ outdir: join(ROOT, 'cdk.out', `test-${name}`) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new GatewayStack(app, `Gateway-${name}`, { stage: name, ...props });
  const template = Template.fromStack(stack);
  app.synth();
  return { app, stack, template };
};

export interface AppSynth {
  readonly status: number | null;
  readonly stderr: string;
  /** The stack's template (absent when the synth failed). */
  readonly template?: Template;
  /** Warning annotations, as `cdk synth` prints them. */
  readonly warnings: readonly string[];
}

/** The `aws:cdk:warning` entries of a cloud assembly (each stack's `<stack>.metadata.json`). */
const manifestWarnings = (outdir: string): string[] =>
  readdirSync(outdir)
    .filter((name) => name.endsWith('.metadata.json'))
    .flatMap((name) => {
      const metadata = JSON.parse(readFileSync(join(outdir, name), 'utf8')) as Record<
        string,
        { type: string; data: unknown }[]
      >;
      return Object.values(metadata)
        .flat()
        .filter((entry) => entry.type === 'aws:cdk:warning')
        .map((entry) => String(entry.data));
    });

/**
 * The app as `cdk synth -c key=value ...` runs it: `bin/gateway.ts` (settings, route table checks,
 * cdk-nag) with `cdk.json`'s context plus `context`, as the CLI hands it over. Bundling is skipped
 * (the CLI's `--exclusively`-style `aws:cdk:bundling-stacks`), which leaves the template intact.
 */
export const synthApp = (context: Record<string, string>): AppSynth => {
  const outdir = mkdtempSync(join(tmpdir(), 'gateway-synth-'));
  try {
    const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const stage = context.stage ?? String(cdkJson.context.stage ?? 'dev');
    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['bin/gateway.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({
          ...cdkJson.context,
          ...context,
          'aws:cdk:bundling-stacks': [],
        }),
      },
    });
    recordChildOutput('synth-app', { stdout: result.stdout, stderr: result.stderr });
    const template =
      result.status === 0
        ? Template.fromJSON(
            JSON.parse(readFileSync(join(outdir, `Gateway-${stage}.template.json`), 'utf8')),
          )
        : undefined;
    return {
      status: result.status,
      stderr: result.stderr,
      warnings: manifestWarnings(outdir),
      ...(template ? { template } : {}),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

/** Resources of a type, by logical id. */
export const resources = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** The one resource of a type. */
export const only = (template: Template, type: string): Resource => {
  const found = resources(template, type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return (found[0] as [string, Resource])[1];
};
