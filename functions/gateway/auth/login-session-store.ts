import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { boundedCall } from '../http/bounded-call';
import { SessionTable } from '../sessions/session-table';

/** A session the login flow creates: the record session validation reads, plus sealed tokens. */
export interface NewLoginSession {
  readonly sessionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The provider's tokens, sealed (`SealedBox`); never in a cookie. */
  readonly tokens: string;
  readonly accessExpiresAt?: number;
}

/** The token part of a session record. */
export interface StoredTokens {
  readonly userId: string;
  readonly tokens: string;
  readonly accessExpiresAt?: number;
  /** Incremented by each refresh; the conditional write that claims a refresh checks it. */
  readonly tokenVersion: number;
  readonly refreshLockUntil?: number;
  readonly revoked: boolean;
  readonly expiresAt: number;
}

/**
 * Marks a used login `state` in the sessions table under a key no session id can have (`:` is
 * outside the id alphabet), so a replayed callback is refused even with a copy of the flow cookie.
 */
const stateKey = (state: string): string =>
  `oidc-state:${createHash('sha256').update(state).digest('base64url')}`;

/** The DynamoDB writes of the login flow, each bounded like the session lookup. */
export class LoginSessionStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #timeoutMs: number;

  constructor(client: DynamoDBDocumentClient, table: string, timeoutMs: number) {
    this.#client = client;
    this.#table = table;
    this.#timeoutMs = timeoutMs;
  }

  #send<T = unknown>(command: GetCommand | PutCommand | QueryCommand | UpdateCommand): Promise<T> {
    // One bounded path for several command types, whose `send` overloads do not unify.
    const send = this.#client.send.bind(this.#client) as (
      command: unknown,
      options: { abortSignal: AbortSignal },
    ) => Promise<unknown>;
    return boundedCall(
      (abortSignal) => send(command, { abortSignal }) as Promise<T>,
      this.#timeoutMs,
    );
  }

  /** True the first time a state is seen; false when it was used before (a replay). */
  async consumeState(state: string, expiresAt: number): Promise<boolean> {
    try {
      await this.#send(
        new PutCommand({
          TableName: this.#table,
          Item: { sessionId: stateKey(state), expiresAt, revoked: true },
          ConditionExpression: 'attribute_not_exists(sessionId)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Writes a new session; the id is fresh, so an existing item means a collision: refused. */
  async create(session: NewLoginSession): Promise<void> {
    await this.#send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          sessionId: session.sessionId,
          userId: session.userId,
          roles: [...session.roles],
          permissions: [],
          createdAt: session.createdAt,
          expiresAt: session.expiresAt,
          revoked: false,
          tokens: session.tokens,
          tokenVersion: 0,
          ...(session.accessExpiresAt !== undefined
            ? { accessExpiresAt: session.accessExpiresAt }
            : {}),
        },
        ConditionExpression: 'attribute_not_exists(sessionId)',
      }),
    );
  }

  async revoke(sessionId: string): Promise<void> {
    try {
      await this.#send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { sessionId },
          UpdateExpression: 'SET revoked = :true REMOVE tokens',
          ConditionExpression: 'attribute_exists(sessionId)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Every session of the user (through the `byUser` index), revoked; returns their ids. */
  async revokeAllOf(userId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#send<{
        Items?: Record<string, unknown>[];
        LastEvaluatedKey?: Record<string, unknown>;
      }>(
        new QueryCommand({
          TableName: this.#table,
          IndexName: SessionTable.byUserIndex,
          KeyConditionExpression: 'userId = :user',
          ExpressionAttributeValues: { ':user': userId },
          ProjectionExpression: 'sessionId',
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item.sessionId === 'string') ids.push(item.sessionId);
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    await Promise.all(ids.map((id) => this.revoke(id)));
    return ids;
  }

  /** The session's tokens, read strongly consistent (a refresh elsewhere must be seen). */
  async tokens(sessionId: string): Promise<StoredTokens | undefined> {
    const output = await this.#send<{ Item?: Record<string, unknown> }>(
      new GetCommand({
        TableName: this.#table,
        Key: { sessionId },
        ConsistentRead: true,
        ProjectionExpression:
          'userId, tokens, accessExpiresAt, tokenVersion, refreshLockUntil, revoked, expiresAt',
      }),
    );
    const item = output.Item;
    if (!item || typeof item.tokens !== 'string' || typeof item.userId !== 'string') {
      return undefined;
    }
    return {
      userId: item.userId,
      tokens: item.tokens,
      ...(typeof item.accessExpiresAt === 'number'
        ? { accessExpiresAt: item.accessExpiresAt }
        : {}),
      tokenVersion: typeof item.tokenVersion === 'number' ? item.tokenVersion : 0,
      ...(typeof item.refreshLockUntil === 'number'
        ? { refreshLockUntil: item.refreshLockUntil }
        : {}),
      revoked: item.revoked === true,
      expiresAt: typeof item.expiresAt === 'number' ? item.expiresAt : 0,
    };
  }

  /**
   * Claims the right to refresh: succeeds for exactly one caller per token version, across every
   * container, unless an earlier claim is still within its lock.
   */
  async claimRefresh(
    sessionId: string,
    version: number,
    nowSeconds: number,
    lockSeconds: number,
  ): Promise<boolean> {
    try {
      await this.#send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { sessionId },
          UpdateExpression: 'SET refreshLockUntil = :until',
          ConditionExpression:
            'attribute_exists(sessionId) AND revoked = :false AND (attribute_not_exists(tokenVersion) OR tokenVersion = :version) AND (attribute_not_exists(refreshLockUntil) OR refreshLockUntil < :now)',
          ExpressionAttributeValues: {
            ':until': nowSeconds + lockSeconds,
            ':false': false,
            ':version': version,
            ':now': nowSeconds,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Stores refreshed tokens and releases the claim; the version moves on. */
  async storeRefreshed(
    sessionId: string,
    version: number,
    tokens: string,
    accessExpiresAt: number | undefined,
  ): Promise<void> {
    await this.#send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { sessionId },
        UpdateExpression:
          accessExpiresAt === undefined
            ? 'SET tokens = :tokens, tokenVersion = :next REMOVE refreshLockUntil, accessExpiresAt'
            : 'SET tokens = :tokens, tokenVersion = :next, accessExpiresAt = :exp REMOVE refreshLockUntil',
        ConditionExpression: 'revoked = :false',
        ExpressionAttributeValues: {
          ':tokens': tokens,
          ':next': version + 1,
          ':false': false,
          ...(accessExpiresAt === undefined ? {} : { ':exp': accessExpiresAt }),
        },
      }),
    );
  }
}
