import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReadinessCheck } from '../health/readiness';
import { noTracing, type Tracing } from '../observability/tracing';
import { CachedSessionStore } from './cached-session-store';
import { createDocumentClient, DynamoDbSessionStore } from './dynamodb-session-store';
import type { SessionSettings } from './session-settings';
import { type SessionKeyRing, SessionSigner } from './session-signer';
import { type SessionStore, SessionStoreError } from './session-store';

export interface SessionWiring {
  readonly signer: SessionSigner;
  readonly store: SessionStore;
  readonly readinessCheck: ReadinessCheck;
  /** The document client, for the login flow's writes to the same table. */
  readonly client: DynamoDBDocumentClient;
}

const SDK_BACKSTOP_FACTOR = 3;

/** Never a session's key: a signed session id has at least 16 characters. */
const PROBE_ID = 'readiness-probe';

/**
 * The DynamoDB-backed session validation, with its cache and readiness check, signing with `keys`
 * (a ring follows its rotations). Call once at init.
 */
export const wireSessions = (
  settings: SessionSettings,
  keys: SessionKeyRing | readonly string[],
  cache: { readonly ttlMs: number; readonly maxEntries: number },
  tracing: Tracing = noTracing,
): SessionWiring => {
  const client = createDocumentClient({
    instrument: (dynamodb) => tracing.captureAwsClient(dynamodb),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.region ? { region: settings.region } : {}),
    // The SDK's own per-attempt timeout only backs up the store's deadline (should an abort ever
    // fail to reach the socket): well past it, so on a loop held up past the deadline it does not
    // destroy a socket whose answer is already there before the store's deadline lets it be read.
    requestTimeoutMs: SDK_BACKSTOP_FACTOR * settings.timeoutMs,
  });
  const dynamoStore = new DynamoDbSessionStore(client, settings.tableName, {
    timeoutMs: settings.timeoutMs,
  });
  return {
    client,
    signer: new SessionSigner(keys),
    store: new CachedSessionStore(dynamoStore, cache),
    // A GetItem of a key that never exists: proves reachability, credentials and the table,
    // with only the permission the gateway already has. Bounded by the store's deadline and by
    // readiness' own, whichever comes first.
    readinessCheck: {
      name: 'dynamodb',
      check: async (signal) => {
        try {
          await dynamoStore.get(PROBE_ID, signal);
        } catch (error) {
          // Readiness tells a timeout by the error's name (as AbortSignal.timeout() names it).
          if (error instanceof SessionStoreError && error.failure === 'timeout') {
            throw new DOMException('DynamoDB did not answer in time', 'TimeoutError');
          }
          throw error;
        }
      },
    },
  };
};
