import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type SessionStore, SessionStoreError, type SessionStoreFailure } from './session-store';
import type { SessionRecord } from './session-types';

/**
 * Values that end up in upstream headers: printable ASCII (a header value is a byte string), no
 * control characters (header injection), no comma (the list separator).
 */
const headerSafe = z.string().regex(/^[\x20-\x2b\x2d-\x7e]{1,256}$/);
const stringList = z.preprocess(
  (value) => (value instanceof Set ? [...value] : value),
  z.array(headerSafe),
);

const itemSchema = z.object({
  sessionId: z.string(),
  userId: headerSafe,
  roles: stringList.default([]),
  permissions: stringList.default([]),
  createdAt: z.number(),
  expiresAt: z.number(),
  revoked: z.boolean().default(false),
});

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);
const TIMEOUT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);

const classify = (error: unknown): SessionStoreFailure => {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (THROTTLING.has(name)) return 'throttled';
  if (TIMEOUT.has(name) || code === 'ETIMEDOUT' || code === 'ECONNABORTED') return 'timeout';
  return 'error';
};

export interface DynamoDbClientSettings {
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local); unset for AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Attempts including the first, with the SDK's backoff. @default 3 */
  readonly maxAttempts?: number;
  /** @default 300 */
  readonly connectionTimeoutMs?: number;
  /** Per attempt. @default 1000 */
  readonly requestTimeoutMs?: number;
}

/** The document client, built once per container with bounded retries and timeouts. */
export const createDocumentClient = (
  settings: DynamoDbClientSettings = {},
): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.region ? { region: settings.region } : {}),
      maxAttempts: settings.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: settings.connectionTimeoutMs ?? 300,
        requestTimeout: settings.requestTimeoutMs ?? 1000,
      },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

/** `SessionStore` on DynamoDB: one GetItem by key, only the attributes validation needs. */
export class DynamoDbSessionStore implements SessionStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async get(sessionId: string, abortSignal?: AbortSignal): Promise<SessionRecord | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const output = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { sessionId },
          ProjectionExpression: '#id, #user, #roles, #perms, #created, #expires, #revoked',
          ExpressionAttributeNames: {
            '#id': 'sessionId',
            '#user': 'userId',
            '#roles': 'roles',
            '#perms': 'permissions',
            '#created': 'createdAt',
            '#expires': 'expiresAt',
            '#revoked': 'revoked',
          },
        }),
        abortSignal ? { abortSignal } : {},
      );
      item = output.Item;
    } catch (error) {
      throw new SessionStoreError(classify(error), { cause: error });
    }
    if (item === undefined) return undefined;
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success) throw new SessionStoreError('malformed_record', { cause: parsed.error });
    return parsed.data;
  }
}
