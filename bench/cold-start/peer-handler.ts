/**
 * The minimal peer of the cold-start benchmark: a Powertools logger and metrics behind a middy
 * handler, bundled exactly as the gateway is. What any well-behaved Node.js function pays at init.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';

const logger = new Logger();
const metrics = new Metrics();

export const handler = middy(async () => {
  metrics.addMetric('requests', MetricUnit.Count, 1);
  logger.info('request');
  return { statusCode: 200, body: '{"ok":true}' };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
