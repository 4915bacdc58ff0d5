import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createDocumentClient,
  DynamoDbSessionStore,
} from '../../../functions/gateway/sessions/dynamodb-session-store';
import { SessionStoreError } from '../../../functions/gateway/sessions/session-store';

const documentMock = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbSessionStore(createDocumentClient({ region: 'eu-west-1' }), 'sessions');

const item = {
  sessionId: 'sid-0123456789abcdef',
  userId: 'alice',
  roles: ['reader'],
  permissions: ['a:b'],
  createdAt: 1795900000,
  expiresAt: 1795990000,
  revoked: false,
};

const failureOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SessionStoreError);
    return (error as SessionStoreError).failure;
  }
  throw new Error('expected a SessionStoreError');
};

describe('Sessions: DynamoDbSessionStore', () => {
  beforeEach(() => documentMock.reset());

  it('reads one item by key, projecting only what validation needs', async () => {
    documentMock.on(GetCommand).resolves({ Item: item });

    const record = await store.get('sid-0123456789abcdef');

    expect(record).toEqual(item);
    expect(documentMock).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(documentMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'sessions',
      Key: { sessionId: 'sid-0123456789abcdef' },
    });
    // Whatever the expression's spelling, it asks for exactly the attributes a record holds (and
    // so never reads other attributes a session item may carry, such as stored tokens).
    const input = documentMock.commandCalls(GetCommand)[0]?.args[0].input;
    const projected = (input?.ProjectionExpression ?? '')
      .split(',')
      .map((name) => name.trim())
      .map((name) => input?.ExpressionAttributeNames?.[name] ?? name);
    expect(projected.sort()).toEqual(Object.keys(item).sort());
  });

  it('answers undefined for a session that does not exist', async () => {
    documentMock.on(GetCommand).resolves({});

    await expect(store.get('nope-0123456789abcdef')).resolves.toBeUndefined();
  });

  it('accepts string sets for roles and permissions and defaults what is absent', async () => {
    documentMock.on(GetCommand).resolves({
      Item: { sessionId: 's', userId: 'u', roles: new Set(['admin']), createdAt: 1, expiresAt: 2 },
    });

    await expect(store.get('s')).resolves.toEqual({
      sessionId: 's',
      userId: 'u',
      roles: ['admin'],
      permissions: [],
      createdAt: 1,
      expiresAt: 2,
      revoked: false,
    });
  });

  it('reports throttling past the retries as throttled', async () => {
    documentMock
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    expect(await failureOf(store.get('s'))).toBe('throttled');
  });

  it('reports a request timeout as timeout', async () => {
    const timeout = Object.assign(new Error('Connection timed out after 1000 ms'), {
      name: 'TimeoutError',
    });
    documentMock.on(GetCommand).rejects(timeout);

    expect(await failureOf(store.get('s'))).toBe('timeout');
  });

  it('reports other failures as error', async () => {
    documentMock
      .on(GetCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    expect(await failureOf(store.get('s'))).toBe('error');
  });

  it('gives up on a call that never answers at its deadline, as a timeout, and aborts it', async () => {
    documentMock.on(GetCommand).callsFake(() => new Promise(() => {}));
    const bounded = new DynamoDbSessionStore(createDocumentClient({ region: 'eu-west-1' }), 't', {
      timeoutMs: 50,
    });
    const started = performance.now();

    const failure = await failureOf(bounded.get('s'));

    expect(failure).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
    const options = (documentMock.call(0).args as unknown[])[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal?.aborted).toBe(true);
  });

  it("gives up at the caller's deadline when it comes first (readiness)", async () => {
    documentMock.on(GetCommand).callsFake(() => new Promise(() => {}));
    const bounded = new DynamoDbSessionStore(createDocumentClient({ region: 'eu-west-1' }), 't', {
      timeoutMs: 60_000,
    });
    const started = performance.now();

    const failure = await failureOf(bounded.get('s', AbortSignal.timeout(50)));

    expect(failure).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    ],
    ['reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    // What the SDK makes of an error it does not take for an Error (one from another realm).
    ['wrapped', new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1')],
  ])('reports a %s connection as unreachable', async (_case, error) => {
    documentMock.on(GetCommand).rejects(error);

    expect(await failureOf(store.get('s'))).toBe('unreachable');
  });

  it.each([
    ['a missing userId', { ...item, userId: undefined }],
    ['a non-numeric expiresAt', { ...item, expiresAt: '2026-12-01' }],
    ['a user id with a line break (header injection)', { ...item, userId: 'alice\r\nx-admin: 1' }],
    ['a role with a comma', { ...item, roles: ['a,b'] }],
  ])('refuses an item with %s as malformed', async (_case, bad) => {
    documentMock.on(GetCommand).resolves({ Item: bad });

    expect(await failureOf(store.get('s'))).toBe('malformed_record');
  });
});
