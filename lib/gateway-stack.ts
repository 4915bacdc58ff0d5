import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { FunctionUrlAuthType, InvokeMode } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { GatewayFunction } from './constructs/gateway-function';

export interface GatewayStackProps extends StackProps {
  /** Deployment stage, e.g. `dev` or `prod`. */
  readonly stage: string;
  /** @default 'config/gateway.yml' */
  readonly configPath?: string;
  /** @default 1024 */
  readonly memorySize?: number;
}

/** Composes the gateway's constructs; defines no resources inline. */
export class GatewayStack extends Stack {
  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const gatewayFunction = new GatewayFunction(this, 'GatewayFunction', {
      ...(props.configPath ? { configPath: props.configPath } : {}),
      ...(props.memorySize ? { memorySize: props.memorySize } : {}),
    });
    // The gateway authenticates requests itself, so the URL is public (auth type NONE).
    const url = gatewayFunction.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    });
    new CfnOutput(this, 'GatewayUrl', { value: url.url, description: 'The gateway Function URL' });
  }
}
