import { Metrics } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './metric-names';

/** The one Metrics instance of the function, flushed as CloudWatch EMF after every invocation. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  // The library's own warnings become structured (and redacted) log lines.
  logger,
});
