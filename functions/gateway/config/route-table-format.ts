import { createHash } from 'node:crypto';
import type { GatewayConfig } from './schema';

/**
 * The route table as the Lambda asset carries it: `config/gateway.json`, written by `cdk synth`
 * from the YAML file after the full check (`compile-route-table.ts`), read at init by
 * `load-route-table.ts` without the YAML parser or the zod schema. `config` is the schema's output
 * (defaults filled in) except that `${VAR}` references in `upstream`, `auth.oidc.issuer` and
 * `auth.oidc.client_id` are kept as written: the function expands them from its own environment.
 */
export interface CompiledRouteTable {
  readonly format: typeof ROUTE_TABLE_FORMAT;
  /** The YAML file it was compiled from, for messages. */
  readonly source: string;
  /** SHA-256 of `JSON.stringify(config)`: a table edited after the check is refused. */
  readonly sha256: string;
  readonly config: GatewayConfig;
}

/** Bumped when the shape of `config` changes in a way an older loader would misread. */
export const ROUTE_TABLE_FORMAT = 'gateway-route-table/1';

/** Where the asset carries it, relative to the function's folder. */
export const COMPILED_ROUTE_TABLE_PATH = 'config/gateway.json';

export const routeTableDigest = (config: unknown): string =>
  createHash('sha256').update(JSON.stringify(config)).digest('hex');
