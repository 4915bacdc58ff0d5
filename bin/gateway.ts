#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { InvokeMode } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../functions/gateway/config/load-config';
import { gatewaySettings } from '../lib/gateway-settings';
import { GatewayStack } from '../lib/gateway-stack';

const app = new App();
// Every synth checks the stack against the AWS Solutions rules; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const settings = gatewaySettings((key) => app.node.tryGetContext(key), process.env);

// A bad route table fails the synth, not the first cold start.
loadConfig(settings.configPath, { ...process.env, ...settings.upstreamEnvironment });

new GatewayStack(app, `Gateway-${settings.stage}`, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `API gateway (${settings.stage}): sessions, authorization, rate limiting in front of HTTP services`,
  stage: settings.stage,
  production: settings.production,
  configPath: settings.configPath,
  memorySize: settings.memorySize,
  ...(settings.vpcId ? { vpcId: settings.vpcId } : {}),
  natGateways: settings.natGateways,
  cacheNodeType: settings.cacheNodeType,
  cacheEngine: settings.cacheEngine,
  invokeMode:
    settings.invokeMode === 'RESPONSE_STREAM' ? InvokeMode.RESPONSE_STREAM : InvokeMode.BUFFERED,
  edge: settings.edge,
  ...(settings.webAclArn ? { webAclArn: settings.webAclArn } : {}),
  corsAllowedOrigins: settings.corsAllowedOrigins,
  upstreamEnvironment: settings.upstreamEnvironment,
});
