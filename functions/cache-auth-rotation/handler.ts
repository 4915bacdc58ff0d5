import { Logger } from '@aws-lambda-powertools/logger';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { elastiCacheTarget } from './elasticache-target';
import { type RotationEvent, rotate } from './rotation-steps';
import { secretsManagerVersions } from './secrets-manager-versions';

const logger = new Logger({ serviceName: 'cache-auth-rotation' });
const secretsManager = new SecretsManagerClient({});
const elastiCache = new ElastiCacheClient({});

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

/**
 * The rotation function Secrets Manager invokes for the cache's AUTH token secret (see
 * `rotation-steps.ts`). Logs the step and the version id, never a token.
 */
export const handler = async (event: RotationEvent, context: Context): Promise<void> => {
  logger.info('rotation step', { step: event.Step, version: event.ClientRequestToken });
  await rotate(
    event,
    secretsManagerVersions(secretsManager, event.SecretId),
    elastiCacheTarget(elastiCache, {
      replicationGroupId: required('REPLICATION_GROUP_ID'),
      host: required('REDIS_HOST'),
      port: Number(required('REDIS_PORT')),
      tls: process.env.REDIS_TLS !== 'false',
      remainingMs: () => context.getRemainingTimeInMillis(),
    }),
  );
  logger.info('rotation step done', { step: event.Step, version: event.ClientRequestToken });
};
