import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { SessionTable } from '../functions/gateway/sessions/session-table';
import type { SessionRecord } from '../functions/gateway/sessions/session-types';

export interface NewSession {
  readonly userId: string;
  readonly roles?: readonly string[];
  readonly permissions?: readonly string[];
  readonly ttlSeconds: number;
}

/**
 * Operator actions on the sessions table: create (returns the signed cookie value), revoke, list.
 * The gateway itself only reads sessions; a login service would create them the same way.
 */
export class SessionAdmin {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #signer: SessionSigner;

  constructor(client: DynamoDBDocumentClient, tableName: string, signer: SessionSigner) {
    this.#client = client;
    this.#tableName = tableName;
    this.#signer = signer;
  }

  async create(
    session: NewSession,
    nowMs = Date.now(),
  ): Promise<{ record: SessionRecord; token: string }> {
    const createdAt = Math.floor(nowMs / 1000);
    const record: SessionRecord = {
      sessionId: SessionSigner.newSessionId(),
      userId: session.userId,
      roles: [...(session.roles ?? [])],
      permissions: [...(session.permissions ?? [])],
      createdAt,
      expiresAt: createdAt + session.ttlSeconds,
      revoked: false,
    };
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(sessionId)',
      }),
    );
    return { record, token: this.#signer.sign(record.sessionId) };
  }

  /** Marks the session revoked; false when there is no such session. */
  async revoke(sessionId: string): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { sessionId },
          UpdateExpression: 'SET revoked = :true',
          ConditionExpression: 'attribute_exists(sessionId)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The user's sessions, soonest expiry first, through the `byUser` index. */
  async listByUser(userId: string): Promise<SessionRecord[]> {
    const records: SessionRecord[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          IndexName: SessionTable.byUserIndex,
          KeyConditionExpression: 'userId = :user',
          ExpressionAttributeValues: { ':user': userId },
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      records.push(...((page.Items ?? []) as SessionRecord[]));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return records;
  }
}
