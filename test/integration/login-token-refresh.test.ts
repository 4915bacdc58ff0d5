import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AccessTokens } from '../../functions/gateway/auth/access-tokens';
import { LoginSessionStore } from '../../functions/gateway/auth/login-session-store';
import {
  ProviderError,
  type ProviderTokens,
} from '../../functions/gateway/auth/oidc-provider-client';
import { SealedBox } from '../../functions/gateway/auth/sealed-box';
import { sealTokens } from '../../functions/gateway/auth/token-seal';
import { captureOutput } from '../helpers/capture-output';
import {
  productionLogger,
  type SessionTableServer,
  startSessionTable,
} from '../helpers/gateway-server';

/**
 * The refresh of an expired access token across containers: two `AccessTokens` (two containers,
 * each with its own in-process single flight) on one table in dynalite. The conditional write on
 * the token version lets exactly one of them call the provider.
 */
const TABLE = 'login-refresh-sessions';
const box = new SealedBox(
  Buffer.from('login-refresh-token-key-0123456789abcdef'),
  'gateway-oidc-tokens',
);

let table: SessionTableServer;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  table = await startSessionTable(TABLE);
}, 20_000);
afterAll(() => table?.close());

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

const now = (): number => Math.floor(Date.now() / 1000);

/** A provider whose refresh takes a while (so the others find it under way) and is counted. */
const slowProvider = (outcome: 'ok' | 'refused') => {
  let calls = 0;
  return {
    calls: () => calls,
    refresh: async (previous: ProviderTokens): Promise<ProviderTokens> => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (outcome === 'refused') throw new ProviderError('rejected', 'provider_invalid_grant');
      return { ...previous, accessToken: `renewed-${calls}`, accessExpiresAt: now() + 300 };
    },
  };
};

const container = (provider: ReturnType<typeof slowProvider>) => {
  const invalidated: string[] = [];
  return {
    invalidated,
    tokens: new AccessTokens({
      provider,
      loginStore: new LoginSessionStore(table.client, TABLE, 1000),
      sessions: { get: async () => undefined, invalidate: (id) => invalidated.push(id) },
      tokenBox: box,
      logger: productionLogger(),
    }),
  };
};

const expiredSession = async (sessionId: string, extra: Record<string, unknown> = {}) => {
  await table.client.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        sessionId,
        userId: 'alice',
        roles: [],
        permissions: [],
        createdAt: now() - 600,
        expiresAt: now() + 3600,
        revoked: false,
        tokenVersion: 0,
        accessExpiresAt: now() - 5,
        tokens: sealTokens(box, { accessToken: 'expired', refreshToken: 'refresh-1' }),
        ...extra,
      },
    }),
  );
};

const item = async (sessionId: string) =>
  (
    await table.client.send(
      new GetCommand({ TableName: TABLE, Key: { sessionId }, ConsistentRead: true }),
    )
  ).Item;

describe('Integration: access token refresh across containers', () => {
  it('refreshes once when two containers and their concurrent requests all find the token expired', async () => {
    const sessionId = 'refresh-once-session-0001';
    await expiredSession(sessionId);
    const provider = slowProvider('ok');
    const [a, b] = [container(provider), container(provider)];

    const tokens = await Promise.all([
      a.tokens.current(sessionId),
      b.tokens.current(sessionId),
      a.tokens.current(sessionId),
      b.tokens.current(sessionId),
    ]);

    expect(provider.calls()).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['renewed-1']));
    expect(await item(sessionId)).toMatchObject({ tokenVersion: 1 });
    expect((await item(sessionId))?.refreshLockUntil).toBeUndefined();
  });

  it('takes over a refresh whose claimant never finished once its lock has lapsed', async () => {
    const sessionId = 'refresh-takeover-session-01';
    await expiredSession(sessionId, { refreshLockUntil: now() - 1 });
    const provider = slowProvider('ok');

    const token = await container(provider).tokens.current(sessionId);

    expect(token).toBe('renewed-1');
    expect(provider.calls()).toBe(1);
  });

  it('ends the session for every container when the provider refuses the refresh', async () => {
    const sessionId = 'refresh-refused-session-01';
    await expiredSession(sessionId);
    const provider = slowProvider('refused');
    const [a, b] = [container(provider), container(provider)];

    const outcomes = await Promise.allSettled([
      a.tokens.current(sessionId),
      b.tokens.current(sessionId),
    ]);

    expect(provider.calls()).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { statusCode: 401 } });
    }
    expect(await item(sessionId)).toMatchObject({ revoked: true });
    expect(JSON.stringify(await item(sessionId))).not.toContain('"tokens"');
    expect(output.text()).not.toContain('refresh-1');
  });
});
