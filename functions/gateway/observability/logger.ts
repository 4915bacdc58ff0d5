import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one Logger of the function. Service name and level come from the Powertools environment
 * variables (`POWERTOOLS_SERVICE_NAME`, `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'gateway' });
