import { EnvName } from './config/environment-names';
import { loadRouteTable } from './config/load-route-table';
import { gatewaySecretsFromEnv, wireGateway } from './wire-gateway';

/**
 * The Lambda entry point (an ES module, so init may await). Everything here runs once per
 * container: the secrets are read (typed values handed to the wiring, never put in the environment),
 * then the gateway is wired on the route table
 * `cdk synth` checked and compiled to JSON (`GATEWAY_CONFIG`, default `config/gateway.json`), so
 * no YAML parser or config schema is loaded here; a table that is not the synth's, or whose
 * `${VAR}`s the environment leaves unusable, fails the init with a message naming route and field.
 */
// Secrets first, as they always were: an unreachable Secrets Manager is the init's error.
const secrets = await gatewaySecretsFromEnv();
export const handler = await wireGateway(loadRouteTable(process.env[EnvName.GATEWAY_CONFIG]), {
  secrets,
});
