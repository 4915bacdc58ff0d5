import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  createSessionTable,
  LOCAL_AWS_ENV,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../dev/local-dynamodb';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { captureOutput } from '../helpers/capture-output';
import { type GatewayServer, startGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';

/**
 * A session key rotation in Secrets Manager reaching a running gateway: the environment ->
 * `wireGatewayFromEnv` -> the local server, with `SESSION_SECRET_ARN` and a mocked Secrets Manager
 * client. No new container and no re-wiring: the gateway reads the secret again once it is older
 * than `SECRETS_MAX_AGE_SECONDS`. The documented semantics: the new `current` key signs and
 * verifies from then on, a key kept under `previous` still verifies, a key dropped from the
 * document is refused.
 */
const TABLE = 'key-rotation-sessions';
const SECRET_ARN = 'arn:aws:secretsmanager:local:000000000000:secret:session-key-rotation';
const OLD_KEY = 'rotation-old-key-0123456789abcdefghijkl';
const NEW_KEY = 'rotation-new-key-0123456789abcdefghijkl';
const MAX_AGE_SECONDS = 1;
/** Past the max age (a lower bound only: a loaded machine waiting longer changes nothing). */
const PAST_MAX_AGE_MS = MAX_AGE_SECONDS * 1000 + 500;

const routeTable = `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "\${ROTATION_UPSTREAM}" }
sessions:
  cache_ttl_seconds: 0
`;

const secretsMock = mockClient(SecretsManagerClient);
const holdSecret = (document: { current: string; previous?: string[] }): void => {
  secretsMock
    .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
    .resolves({ SecretString: JSON.stringify(document) });
};

let dynamo: LocalDynamoDb;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let gateway: GatewayServer;
let adminClient: ReturnType<typeof createDocumentClient>;
let output: ReturnType<typeof captureOutput>;
/** Every variable written into `process.env` while the gateway was wired, and its value. */
const writtenDuringWiring: Array<[string, string]> = [];
let wiringEnv: Record<string, string>;

beforeAll(async () => {
  Object.assign(process.env, LOCAL_AWS_ENV);
  dynamo = await startLocalDynamoDb();
  await createSessionTable(dynamo.endpoint, TABLE);
  upstream = await startRecordingUpstream();
  adminClient = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  holdSecret({ current: OLD_KEY });
  wiringEnv = {
    ...LOCAL_AWS_ENV,
    ROTATION_UPSTREAM: upstream.url,
    SESSION_TABLE: TABLE,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SESSION_SECRET_ARN: SECRET_ARN,
    SECRETS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
  };
  // process.env watched while the gateway is wired: a secret written into it is recorded.
  const saved = process.env;
  process.env = new Proxy(
    { ...saved },
    {
      set: (target, name, value) => {
        writtenDuringWiring.push([String(name), String(value)]);
        return Reflect.set(target, name, value);
      },
      defineProperty: (target, name, descriptor) => {
        writtenDuringWiring.push([String(name), String(descriptor.value)]);
        return Reflect.defineProperty(target, name, descriptor);
      },
    },
  );
  try {
    gateway = await startGatewayServer({ routeTable, env: wiringEnv });
  } finally {
    process.env = saved;
  }
}, 30_000);

afterAll(async () => {
  secretsMock.restore();
  adminClient?.destroy();
  await gateway?.close();
  await upstream?.close();
  await dynamo?.close();
});

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

/** A session in the table, its cookie signed with `key`. */
const cookieSignedWith = async (key: string, userId: string): Promise<string> => {
  const admin = new SessionAdmin(adminClient, TABLE, new SessionSigner([key]));
  const { token } = await admin.create({ userId, ttlSeconds: 600 });
  return `session_token=${token}`;
};

const statusWith = async (cookie: string): Promise<number> =>
  (await send(gateway.server.url, { path: '/me', headers: { cookie } })).status;

describe('Integration: a session key rotated in Secrets Manager, in a running gateway', () => {
  it('keeps every secret out of process.env while wiring', () => {
    const setByTest = new Set([...Object.keys(wiringEnv), 'GATEWAY_CONFIG']);
    const setByWiring = writtenDuringWiring.map(([name]) => name).filter((n) => !setByTest.has(n));

    // Powertools sets its SDK user agent (AWS_SDK_UA_APP_ID); no variable a secret was once read into.
    for (const name of ['SESSION_SECRET', 'SESSION_SECRET_PREVIOUS', 'REDIS_PASSWORD']) {
      expect(setByWiring).not.toContain(name);
    }
    expect(writtenDuringWiring.length).toBeGreaterThan(0); // the watch saw the test's own writes
    for (const [, value] of writtenDuringWiring) {
      expect(value).not.toContain(OLD_KEY);
      expect(value).not.toContain(NEW_KEY);
    }
    expect(Object.values(process.env).join('\n')).not.toContain(OLD_KEY);
  });

  it('accepts a new key after the max age, keeps the previous one, then refuses it once dropped', async () => {
    const oldSession = await cookieSignedWith(OLD_KEY, 'signed-before-rotation');
    const newSession = await cookieSignedWith(NEW_KEY, 'signed-after-rotation');
    await sleep(PAST_MAX_AGE_MS);
    // Before the rotation: the old key is the only one.
    expect(await statusWith(oldSession)).toBe(200);
    expect(await statusWith(newSession)).toBe(401);

    holdSecret({ current: NEW_KEY, previous: [OLD_KEY] });
    const readsBefore = secretsMock.commandCalls(GetSecretValueCommand).length;
    // Within the max age the value read is trusted: no call, the new key not yet known here.
    expect(await statusWith(newSession)).toBe(401);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(readsBefore);

    await sleep(PAST_MAX_AGE_MS);
    expect(await statusWith(newSession)).toBe(200);
    expect(await statusWith(oldSession)).toBe(200);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(readsBefore + 1);

    holdSecret({ current: NEW_KEY });
    await sleep(PAST_MAX_AGE_MS);
    expect(await statusWith(oldSession)).toBe(401);
    expect(await statusWith(newSession)).toBe(200);
    expect(Object.values(process.env).join('\n')).not.toContain(NEW_KEY);
  }, 30_000);

  it('keeps the last keys, and says so, when Secrets Manager fails after the max age', async () => {
    const session = await cookieSignedWith(NEW_KEY, 'signed-during-outage');
    secretsMock
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await sleep(PAST_MAX_AGE_MS);

    const correlationId = '5f0c7c1e-2d4b-4a57-9f43-3c1f0b7d9a21';
    const answer = await send(gateway.server.url, {
      path: '/me',
      headers: { cookie: session, 'x-correlation-id': correlationId },
    });

    expect(answer.status).toBe(200);
    const logged = output
      .json()
      .filter(
        (line) => line.message === 'a secret could not be read again: keeping the last value read',
      );
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        correlation_id: correlationId,
        source: `Secrets Manager secret ${SECRET_ARN}`,
        error: expect.stringContaining('ThrottlingException'),
      }),
    ]);
    expect(JSON.stringify(logged)).not.toContain(NEW_KEY);
  }, 30_000);
});
