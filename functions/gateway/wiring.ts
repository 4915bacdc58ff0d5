import type { GatewayHandler } from './create-gateway';
import { loadConfig } from './loader/load-config';
import { type WireOptions, wireGateway } from './wire-gateway';

export { streamingFromEnv, type WireOptions, wireGateway } from './wire-gateway';

/**
 * The gateway wired from the environment and the YAML route table `GATEWAY_CONFIG` names (default
 * `config/gateway.yml`), fully checked: what `npm start` and the tests run. Lambda's handler runs
 * the same `wireGateway` on the table `cdk synth` compiled from that file.
 */
export const wireGatewayFromEnv = async (options: WireOptions = {}): Promise<GatewayHandler> =>
  wireGateway(loadConfig(), options);
