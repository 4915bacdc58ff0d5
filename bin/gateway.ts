#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { GatewayStack } from '../lib/gateway-stack';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const memory = app.node.tryGetContext('memorySize');

new GatewayStack(app, `Gateway-${stage}`, {
  stage,
  configPath: String(app.node.tryGetContext('gatewayConfigPath') ?? 'config/gateway.yml'),
  ...(memory ? { memorySize: Number(memory) } : {}),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `API gateway (${stage}): sessions, authorization, rate limiting in front of HTTP services`,
});
