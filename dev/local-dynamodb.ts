import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { SessionTable } from '../functions/gateway/sessions/session-table';
import { listen } from './listen';

export interface LocalDynamoDb {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Credentials and region for a local DynamoDB-compatible server (it checks neither). */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'local',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/**
 * dynalite, a real DynamoDB wire-protocol server, in this process: in memory, or kept in the
 * LevelDB folder `path` (one process at a time).
 */
export const startLocalDynamoDb = async (
  port = 0,
  host = '127.0.0.1',
  path?: string,
): Promise<LocalDynamoDb> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  }) as Server;
  const listening = await listen(server, port, host);
  return { endpoint: listening.url, close: listening.close };
};

/**
 * Creates the sessions table as the CDK stack does (key `sessionId`, index `byUser`), unless it
 * exists. dynalite does not implement TTL, which is fine: the gateway checks `expiresAt` itself.
 */
export const createSessionTable = async (endpoint: string, tableName: string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: SessionTable.partitionKey, AttributeType: 'S' },
          { AttributeName: SessionTable.userAttribute, AttributeType: 'S' },
          { AttributeName: SessionTable.ttlAttribute, AttributeType: 'N' },
        ],
        KeySchema: [{ AttributeName: SessionTable.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: SessionTable.byUserIndex,
            KeySchema: [
              { AttributeName: SessionTable.userAttribute, KeyType: 'HASH' },
              { AttributeName: SessionTable.ttlAttribute, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
};
