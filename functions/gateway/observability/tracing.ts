import type { MiddlewareObj } from '@middy/core';
import { oneOf, parseEnvironment, setting } from '../config/env-schema';
import { type Environment, EnvName } from '../config/environment-names';

/**
 * What the gateway asks of a tracer. Off (the default) it is `noTracing`, which loads nothing and
 * costs a function call per traced operation; on (`GATEWAY_TRACING=active`) it is the Powertools
 * tracer, imported only then, because the X-Ray SDK adds to every cold start that imports it.
 */
export interface Tracing {
  readonly active: boolean;
  /** Opens the invocation's `## handler` subsegment; first in the chain. */
  readonly middleware?: MiddlewareObj;
  /** An AWS SDK v3 client whose calls become subsegments (the DynamoDB session lookups). */
  captureAwsClient<Client>(client: Client): Client;
  /** `work` inside a remote subsegment named `name`, for calls no SDK instruments (Redis). */
  span<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** A searchable annotation on the handler subsegment (route id, correlation id). */
  annotate(key: string, value: string): void;
}

export const noTracing: Tracing = {
  active: false,
  captureAwsClient: (client) => client,
  span: (_name, work) => work(),
  annotate: () => undefined,
};

export type TracingMode = 'active' | 'off';

const tracingEnvironment = {
  [EnvName.GATEWAY_TRACING]: setting(oneOf(EnvName.GATEWAY_TRACING, ['active', 'off']), 'off'),
};

/** `GATEWAY_TRACING`: `active` or `off` (the default); anything else is a configuration error. */
export const tracingModeFromEnv = (env: Environment = process.env): TracingMode =>
  parseEnvironment(tracingEnvironment, env).GATEWAY_TRACING;

/** The tracer `GATEWAY_TRACING` asks for, loading the X-Ray SDK only when it is on. */
export const tracingFromEnv = async (env: Environment = process.env): Promise<Tracing> => {
  if (tracingModeFromEnv(env) === 'off') return noTracing;
  const { powertoolsTracing } = await import('./powertools-tracing');
  return powertoolsTracing();
};
