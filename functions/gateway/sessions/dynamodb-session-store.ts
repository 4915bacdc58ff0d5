import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
// zod/mini: the function's bundle loads zod's tree-shakable build (docs/performance.md, cold start).
import * as z from 'zod/mini';
import { boundedCall } from '../http/bounded-call';
import { DEFAULT_DYNAMODB_TIMEOUT_MS } from './session-settings';
import { type SessionStore, SessionStoreError, type SessionStoreFailure } from './session-store';
import type { SessionRecord } from './session-types';

/**
 * Values that end up in upstream headers: printable ASCII (a header value is a byte string), no
 * control characters (header injection), no comma (the list separator).
 */
const headerSafe = z.string().check(z.regex(/^[\x20-\x2b\x2d-\x7e]{1,256}$/));
const stringList = z.pipe(
  z.transform((value: unknown) => (value instanceof Set ? [...value] : value)),
  z.array(headerSafe),
);

const itemSchema = z.object({
  sessionId: z.string(),
  userId: headerSafe,
  roles: z._default(stringList, []),
  permissions: z._default(stringList, []),
  createdAt: z.number(),
  expiresAt: z.number(),
  revoked: z._default(z.boolean(), false),
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
/** The connection failed or broke: nothing listens there, or it went away mid-exchange. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A Node.js system error code, as it appears in a message ("connect ECONNREFUSED 10.0.0.1:443"). */
const SYSTEM_CODE = /\b(E[A-Z]{3,})\b/;

const classify = (error: unknown): SessionStoreFailure => {
  // By shape, not instanceof: an abort reason may be a DOMException from another realm, and the
  // SDK turns an error from another realm into a new Error that keeps only the message.
  const { name = '', code, message = '' } = (error ?? {}) as Record<string, string | undefined>;
  const systemCode = code ?? SYSTEM_CODE.exec(message)?.[1] ?? '';
  if (THROTTLING.has(name)) return 'throttled';
  if (TIMEOUT.has(name) || systemCode === 'ETIMEDOUT' || systemCode === 'ECONNABORTED')
    return 'timeout';
  if (UNREACHABLE.has(systemCode)) return 'unreachable';
  return 'error';
};

/** How this store names itself in errors, logs and metrics. */
const DYNAMODB = 'dynamodb';

export interface DynamoDbClientSettings {
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local); unset for AWS. */
  readonly endpoint?: string;
  readonly region?: string;
  /** Attempts including the first, with the SDK's backoff. @default 3 */
  readonly maxAttempts?: number;
  /** @default 300, or the request timeout when that is shorter */
  readonly connectionTimeoutMs?: number;
  /**
   * Per attempt; past it the SDK destroys the socket and fails the attempt. It only backs up the
   * gateway's own deadline (`DynamoDbSessionStore`), which also ends the retries. @default 1000
   */
  readonly requestTimeoutMs?: number;
  /** Wraps the low-level client before use (X-Ray tracing of its calls). @default none */
  readonly instrument?: (client: DynamoDBClient) => DynamoDBClient;
}

/** The document client, built once per container with bounded retries and timeouts. */
export const createDocumentClient = (
  settings: DynamoDbClientSettings = {},
): DynamoDBDocumentClient => {
  const requestTimeout = settings.requestTimeoutMs ?? DEFAULT_DYNAMODB_TIMEOUT_MS;
  const instrument = settings.instrument ?? ((client: DynamoDBClient) => client);
  return DynamoDBDocumentClient.from(
    instrument(
      new DynamoDBClient({
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        ...(settings.region ? { region: settings.region } : {}),
        maxAttempts: settings.maxAttempts ?? 3,
        requestHandler: {
          connectionTimeout: settings.connectionTimeoutMs ?? Math.min(300, requestTimeout),
          requestTimeout,
          // Without it, requestTimeout only logs a warning and a silent endpoint holds the call.
          throwOnRequestTimeout: true,
        },
      }),
    ),
    { marshallOptions: { removeUndefinedValues: true } },
  );
};

export interface DynamoDbSessionStoreOptions {
  /** Hard deadline of one lookup, every SDK attempt included, enforced by the gateway. @default 1000 */
  readonly timeoutMs?: number;
}

/** `SessionStore` on DynamoDB: one GetItem by key, only the attributes validation needs. */
export class DynamoDbSessionStore implements SessionStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #timeoutMs: number;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    options: DynamoDbSessionStoreOptions = {},
  ) {
    this.#client = client;
    this.#tableName = tableName;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_DYNAMODB_TIMEOUT_MS;
  }

  /**
   * The session, or undefined. Settles within the store's deadline, or sooner when `signal` (a
   * caller's own deadline, e.g. readiness) aborts; either is a `timeout` failure.
   */
  async get(sessionId: string, signal?: AbortSignal): Promise<SessionRecord | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const command = new GetCommand({
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
      });
      const output = await boundedCall(
        (abortSignal) => this.#client.send(command, { abortSignal }),
        this.#timeoutMs,
        signal,
      );
      item = output.Item;
    } catch (error) {
      throw new SessionStoreError(DYNAMODB, classify(error), { cause: error });
    }
    if (item === undefined) return undefined;
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success)
      throw new SessionStoreError(DYNAMODB, 'malformed_record', { cause: parsed.error });
    return parsed.data;
  }
}
