import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSessionTable,
  LOCAL_AWS_ENV,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../../dev/local-dynamodb';
import { type LocalServer, startLocalServer } from '../../../dev/local-server';
import { createDocumentClient } from '../../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../../scripts/session-admin';
import { captureOutput } from '../../helpers/capture-output';
import { send } from '../../helpers/http-request';
import { startRecordingUpstream } from '../../helpers/loopback-upstream';

const CHAIN_SESSION_SECRET = 'redaction-chain-session-secret-0123456789';
const TABLE = 'redaction-chain-sessions';

/** Credential-like headers a client or a sidecar might send, by the rule that should hide each. */
const CREDENTIAL_HEADERS = {
  // logging.redact_headers: x-internal-*
  'x-internal-routing-key': 'internal-secret-value-0001',
  'X-Internal-Shard': 'internal-secret-value-0002',
  // built-in patterns
  'x-trace-token': 'trace-token-value-0003',
  X_Custom_Auth: 'custom-auth-secret-0004',
  'x-vendor-password': 'vendor-password-0005',
  'x-partner-key': 'partner-key-secret-0006',
  'x-hub-signature-256': 'sha256=signature-secret-0007',
  'x-session-hint': 'session-hint-secret-0008',
  authorization: 'Basic YWxpY2U6c2VjcmV0LTAwMDk=',
} as const;

/**
 * The redaction as a user runs it: the environment (GATEWAY_CONFIG with `logging.redact_headers`,
 * debug level) -> wireGatewayFromEnv -> the local server of `npm start` -> a loopback upstream,
 * with a real session from the DynamoDB-compatible store.
 */
describe('Observability: credential-like headers are redacted through the real chain at debug', () => {
  let dynamo: LocalDynamoDb;
  let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
  let server: LocalServer;
  let dir: string;
  let token: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    await createSessionTable(dynamo.endpoint, TABLE);
    upstream = await startRecordingUpstream();
    dir = mkdtempSync(join(tmpdir(), 'redaction-chain-'));
    const configPath = join(dir, 'gateway.yml');
    writeFileSync(
      configPath,
      `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "\${UP}" }
logging:
  redact_headers: ["x-internal-*"]
`,
    );
    Object.assign(process.env, LOCAL_AWS_ENV, {
      UP: upstream.url,
      GATEWAY_CONFIG: configPath,
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
      SESSION_SECRET: CHAIN_SESSION_SECRET,
      SESSION_TABLE: TABLE,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    });
    delete process.env.REDIS_URL;
    delete process.env.REDIS_HOST;
    const admin = new SessionAdmin(
      createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' }),
      TABLE,
      new SessionSigner([CHAIN_SESSION_SECRET]),
    );
    ({ token } = await admin.create({ userId: 'alice', ttlSeconds: 600 }));
    // Imported after the environment is set: the module-scope logger reads its level at import.
    const { wireGatewayFromEnv } = await import('../../../functions/gateway/wiring');
    const output = captureOutput();
    try {
      server = await startLocalServer(await wireGatewayFromEnv());
    } finally {
      output.restore();
    }
  });

  afterAll(async () => {
    await server.close();
    await upstream.close();
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
    process.env = savedEnv;
  });

  it('hides configured and built-in credential headers, the cookie and the token, and forwards them all', async () => {
    // Prepare
    const output = captureOutput();

    // Act
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(server.url, {
        path: '/me?page=2',
        headers: {
          ...CREDENTIAL_HEADERS,
          cookie: `theme=dark; session_token=${token}`,
          'x-request-colour': 'blue',
        },
      });
    } finally {
      output.restore();
    }

    // Assess: the request went through, with every header the client sent ...
    expect(response.status).toBe(200);
    const seen = upstream.seen.at(-1);
    expect(seen?.headers['x-internal-routing-key']).toBe(
      CREDENTIAL_HEADERS['x-internal-routing-key'],
    );
    expect(seen?.headers.x_custom_auth).toBe(CREDENTIAL_HEADERS.X_Custom_Auth);
    // ... and the debug line shows the request without any credential in it.
    const received = output.json().find((line) => line.message === 'request received');
    expect(received).toMatchObject({
      level: 'DEBUG',
      path: '/me',
      query: 'page=2',
      cookies: '[REDACTED]',
    });
    const headers = received?.headers as Record<string, string>;
    expect(headers['x-request-colour']).toBe('blue');
    for (const name of Object.keys(CREDENTIAL_HEADERS)) {
      expect([name, headers[name.toLowerCase()]]).toEqual([name, '[REDACTED]']);
    }
    const text = output.text();
    expect(text).toContain('"message":"request"');
    for (const secret of [
      ...Object.values(CREDENTIAL_HEADERS),
      token,
      token.split('.')[0],
      CHAIN_SESSION_SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('YWxpY2U6c2VjcmV0LTAwMDk');
  });
});
