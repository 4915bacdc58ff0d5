import type { ReadinessCheck } from '../health/readiness';
import { CachedSessionStore } from './cached-session-store';
import { createDocumentClient, DynamoDbSessionStore } from './dynamodb-session-store';
import type { SessionSettings } from './session-settings';
import { SessionSigner } from './session-signer';
import type { SessionStore } from './session-store';

export interface SessionWiring {
  readonly signer: SessionSigner;
  readonly store: SessionStore;
  readonly readinessCheck: ReadinessCheck;
}

/** The DynamoDB-backed session validation, with its cache and readiness check. Call once at init. */
export const wireSessions = (
  settings: SessionSettings,
  cache: { readonly ttlMs: number; readonly maxEntries: number },
): SessionWiring => {
  const client = createDocumentClient({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.region ? { region: settings.region } : {}),
  });
  const dynamoStore = new DynamoDbSessionStore(client, settings.tableName);
  return {
    signer: new SessionSigner(settings.secrets),
    store: new CachedSessionStore(dynamoStore, cache),
    // A GetItem of a key that never exists: proves reachability, credentials and the table,
    // with only the permission the gateway already has.
    readinessCheck: {
      name: 'dynamodb',
      check: async (signal) => void (await dynamoStore.get('readiness-probe', signal)),
    },
  };
};
