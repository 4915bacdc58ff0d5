import { loadConfig } from './config/load-config';
import { createGateway } from './create-gateway';
import { logger } from './observability/logger';
import { metrics } from './observability/metrics';
import { fetchUpstream } from './proxy/fetch-upstream';

/**
 * The Lambda entry point. Everything here runs once per container (cold start): a bad route table
 * fails the init with a message naming the route and field, instead of failing every request.
 */
export const handler = createGateway({
  config: loadConfig(),
  upstream: fetchUpstream(),
  logger,
  metrics,
});
