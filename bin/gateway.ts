#!/usr/bin/env node
import { Annotations, App, Duration, Validations } from 'aws-cdk-lib';
import { InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../functions/gateway/loader/load-config';
import { gatewaySettings } from '../lib/gateway-settings';
import { GatewayStack } from '../lib/gateway-stack';
import { loopbackUpstreams } from '../lib/loopback-upstreams';

const app = new App();
// Every synth checks the stack against the AWS Solutions rules; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

/**
 * The deploy's inputs: context settings and the route table. A mistake in them is the user's to
 * fix, so it is printed as the list of problems alone (no stack trace) and the synth fails.
 */
const readInputs = () => {
  try {
    const settings = gatewaySettings((key) => app.node.tryGetContext(key), process.env);
    // A bad route table fails the synth, not the first cold start: the same one-pass check
    // `npm start` runs, overlapping routes and a public route reaching a protected upstream
    // included. The function's asset carries the table compiled (lib/constructs/gateway-route-table.ts).
    const routeTable = loadConfig(settings.configPath, {
      ...process.env,
      ...settings.upstreamEnvironment,
      // As the function sees them: login is on in the route table when the stack configures it.
      ...(settings.oidc
        ? { OIDC_ISSUER: settings.oidc.issuer, OIDC_CLIENT_ID: settings.oidc.clientId }
        : {}),
    });
    return { settings, routeTable };
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
};
const { settings, routeTable } = readInputs();
// The function outlives its slowest route by a margin, so a route timeout (a JSON 504) always
// fires before Lambda's own timeout (a bare error).
const slowestRouteMs = Math.max(...routeTable.routes.map((route) => route.timeout_ms));
const functionTimeout = Duration.seconds(
  Math.min(900, Math.max(30, Math.ceil(slowestRouteMs / 1000) + 5)),
);

const stack = new GatewayStack(app, `Gateway-${settings.stage}`, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `API gateway (${settings.stage}): sessions, authorization, rate limiting in front of HTTP services`,
  stage: settings.stage,
  production: settings.production,
  configPath: settings.configPath,
  memorySize: settings.memorySize,
  timeout: functionTimeout,
  ...(settings.vpcId ? { vpcId: settings.vpcId } : {}),
  natGateways: settings.natGateways,
  cacheNodeType: settings.cacheNodeType,
  cacheEngine: settings.cacheEngine,
  invokeMode:
    settings.invokeMode === 'RESPONSE_STREAM' ? InvokeMode.RESPONSE_STREAM : InvokeMode.BUFFERED,
  edge: settings.edge,
  ...(settings.webAclArn ? { webAclArn: settings.webAclArn } : {}),
  ...(settings.domainName ? { domainName: settings.domainName } : {}),
  ...(settings.certificateArn ? { certificateArn: settings.certificateArn } : {}),
  corsAllowedOrigins: settings.corsAllowedOrigins,
  upstreamEnvironment: settings.upstreamEnvironment,
  ...(settings.reservedConcurrency !== undefined
    ? { reservedConcurrency: settings.reservedConcurrency }
    : {}),
  vpcEndpoints: settings.vpcEndpoints,
  ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
  logLevel: settings.logLevel,
  tracing: settings.tracing === 'active',
  ...(settings.cacheAuthRotationDays !== undefined
    ? { cacheAuthRotationDays: settings.cacheAuthRotationDays }
    : {}),
  ...(settings.oidc ? { oidc: settings.oidc } : {}),
});

// Deployed, a loopback upstream is the function itself: every request to the route would be a 502.
const unreachable = loopbackUpstreams(routeTable.routes);
if (unreachable.length > 0) {
  Annotations.of(stack).addWarningV2(
    'gateway:loopback-upstream',
    `Routes ${unreachable.join(', ')} of ${settings.configPath} forward to a loopback address, which on Lambda reaches nothing. Give the route table's variables real URLs with -c upstreamEnvironment='{"NAME":"https://..."}' (docs/deployment.md).`,
  );
}
