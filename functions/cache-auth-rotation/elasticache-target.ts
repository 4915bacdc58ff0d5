import {
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  ModifyReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import type { AuthTokenTarget } from './rotation-steps';

export interface ElastiCacheTargetSettings {
  readonly replicationGroupId: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** Milliseconds left before the invocation must end; waits stop short of it. */
  readonly remainingMs: () => number;
  /** @default 5000 */
  readonly pollMs?: number;
}

/** Time kept back from the invocation's end, to fail with a message rather than a timeout. */
const MARGIN_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `AuthTokenTarget` on an ElastiCache replication group, probed over TLS with ioredis. */
export const elastiCacheTarget = (
  client: ElastiCacheClient,
  settings: ElastiCacheTargetSettings,
): AuthTokenTarget => {
  const pollMs = settings.pollMs ?? 5000;
  const status = async (): Promise<string | undefined> => {
    const answer = await client.send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: settings.replicationGroupId }),
    );
    return answer.ReplicationGroups?.[0]?.Status;
  };
  // A modification is refused while another is under way, and takes minutes to apply.
  const untilAvailable = async (): Promise<void> => {
    for (;;) {
      const now = await status();
      if (now === 'available') return;
      if (settings.remainingMs() < MARGIN_MS + pollMs) {
        throw new Error(
          `replication group ${settings.replicationGroupId} is still "${now}"; the rotation step will be retried`,
        );
      }
      await sleep(pollMs);
    }
  };
  return {
    apply: async (token, strategy) => {
      await untilAvailable();
      await client.send(
        new ModifyReplicationGroupCommand({
          ReplicationGroupId: settings.replicationGroupId,
          AuthToken: token,
          AuthTokenUpdateStrategy: strategy,
          ApplyImmediately: true,
        }),
      );
      await untilAvailable();
    },
    probe: async (token) => {
      const redis = new Redis({
        host: settings.host,
        port: settings.port,
        password: token,
        ...(settings.tls ? { tls: {} } : {}),
        lazyConnect: true,
        connectTimeout: 5000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableOfflineQueue: false,
      });
      // A refused AUTH is also reported as an 'error' event; the rejected connect carries it.
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    },
  };
};
