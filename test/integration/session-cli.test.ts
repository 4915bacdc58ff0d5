import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_DEFAULTS } from '../../dev/local-defaults';
import {
  createSessionTable,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../dev/local-dynamodb';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { recordChildOutput } from '../helpers/log-capture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

describe('Integration: npm run session', () => {
  let dynamo: LocalDynamoDb;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    await createSessionTable(dynamo.endpoint, 'cli-sessions');
    const { AWS_REGION: _r, AWS_PROFILE: _p, AWS_DEFAULT_REGION: _d, ...rest } = process.env;
    // No AWS settings and no endpoint: the command must find the local store on DYNAMODB_PORT.
    env = { ...rest, DYNAMODB_PORT: new URL(dynamo.endpoint).port, SESSION_TABLE: 'cli-sessions' };
    delete env.DYNAMODB_ENDPOINT;
  });
  afterAll(() => dynamo.close());

  const session = async (...args: string[]) => {
    // `create` prints the new cookie on stdout: that is the command's answer, not a log line.
    const logs = (output: { stdout: string; stderr: string }) =>
      args[0] === 'create' ? { stderr: output.stderr } : output;
    try {
      const result = await run(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          join(ROOT, 'scripts', 'session.ts'),
          ...args,
        ],
        { env, cwd: ROOT },
      );
      recordChildOutput(`session-${args[0]}`, logs(result));
      return result;
    } catch (error) {
      recordChildOutput(`session-${args[0]}`, logs(error as { stdout: string; stderr: string }));
      throw error;
    }
  };

  it('creates, lists and revokes a session in the local store', async () => {
    const created = await session(
      'create',
      '--user',
      'alice',
      '--roles',
      'admin',
      '--ttl',
      '8h',
      '--quiet',
    );
    const token = created.stdout.trim();
    const verified = new SessionSigner([LOCAL_DEFAULTS.sessionSecret]).verify(token);
    expect(verified.ok).toBe(true);
    const sessionId = verified.ok ? verified.sessionId : '';

    const listed = await session('list', '--user', 'alice');
    expect(listed.stdout).toContain(`${sessionId}  active`);
    expect(listed.stdout).toContain('roles admin');

    const revoked = await session('revoke', sessionId);
    expect(revoked.stdout).toContain(`Revoked session ${sessionId}`);
    expect((await session('list', '--user', 'alice')).stdout).toContain(`${sessionId}  revoked`);
  }, 30_000);

  it('revokes a session whose id begins with "-" (one base64url id in 64 does)', async () => {
    // Prepare: a session stored under such an id, as `create` makes 1 time in 64.
    const sessionId = `-${'A'.repeat(42)}`;
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const now = Math.floor(Date.now() / 1000);
    await client.send(
      new PutItemCommand({
        TableName: 'cli-sessions',
        Item: {
          sessionId: { S: sessionId },
          userId: { S: 'dash' },
          roles: { L: [] },
          permissions: { L: [] },
          createdAt: { N: String(now) },
          expiresAt: { N: String(now + 3600) },
          revoked: { BOOL: false },
        },
      }),
    );
    client.destroy();

    // Act
    const revoked = await session('revoke', sessionId);

    // Assess
    expect(revoked.stdout).toContain(`Revoked session ${sessionId}`);
  }, 30_000);

  it('prints usage and exits 2 for an unknown command', async () => {
    await expect(session('frobnicate')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage:'),
    });
  }, 30_000);
});
