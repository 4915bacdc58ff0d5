import { Logger } from '@aws-lambda-powertools/logger';
import { DEFAULT_SERVICE_NAME } from './metric-names';
import { redactingReplacer } from './redaction';

/** Logger settings every gateway logger shares: the redaction replacer above all. */
export const loggerOptions = {
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? DEFAULT_SERVICE_NAME,
  jsonReplacerFn: redactingReplacer,
} as const;

/**
 * The one Logger of the function. Level from `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL`; debug sampling
 * from `POWERTOOLS_LOGGER_SAMPLE_RATE` (0..1, the share of invocations logged at debug).
 */
export const logger = new Logger(loggerOptions);
