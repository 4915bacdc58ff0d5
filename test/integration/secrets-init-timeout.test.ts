import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadGatewaySecrets } from '../../functions/gateway/secrets/gateway-secrets';
import { SecretsManagerTimeouts } from '../../functions/gateway/secrets/secrets-manager-client';
import { recordChildOutput } from '../helpers/log-capture';
import { startTcpFaultProxy, type TcpFaultProxy } from '../helpers/tcp-fault-proxy';

/**
 * A Lambda in a VPC with no route to Secrets Manager (no NAT, no interface endpoint): the endpoint
 * accepts the connection and never answers (a black hole, the worse case: a refused connection
 * fails at once). The init must fail in seconds, naming Secrets Manager, the secret and the endpoint.
 */

const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:gateway-session';
const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDTESTBLACKHOLE',
  AWS_SECRET_ACCESS_KEY: 'test-aws-key-for-black-hole-000',
} as const;
/** "A few seconds": the configured overall deadline, with room for a noisy machine. */
const BOUND_MS = 2 * SecretsManagerTimeouts.overallMs;

const BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

let blackHole: TcpFaultProxy;
let dir = '';
const savedEnv = { ...process.env };

beforeAll(async () => {
  // The SDK reads credentials from the process environment when it signs.
  Object.assign(process.env, AWS_ENV);
  // The target is never dialled: a black hole accepts and holds every connection.
  blackHole = await startTcpFaultProxy('http://127.0.0.1:9');
  await blackHole.setMode({ kind: 'blackhole' });
  dir = mkdtempSync(join(tmpdir(), 'gateway-init-'));
  await build({
    entryPoints: { handler: 'functions/gateway/handler.ts' },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    loader: { '.lua': 'text' },
    banner: { js: BANNER },
    logLevel: 'warning',
  });
}, 60_000);

afterAll(async () => {
  await blackHole.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.env = savedEnv;
});

describe('Integration: Secrets Manager unreachable at init (black-holed endpoint)', () => {
  it('fails loadGatewaySecrets within the bound, naming Secrets Manager, the secret and the endpoint', async () => {
    const started = performance.now();

    const error = await loadGatewaySecrets({
      ...AWS_ENV,
      SESSION_SECRET_ARN: SECRET_ID,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: blackHole.url,
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('Secrets Manager');
    expect((error as Error).message).toContain(SECRET_ID);
    expect((error as Error).message).toContain(blackHole.url);
    expect((error as Error).message).toMatch(/no answer within \d+ ms/);
    expect(elapsed).toBeLessThan(BOUND_MS);
  }, 30_000);

  it('fails the init of the bundled Lambda handler within the bound, with the same message', async () => {
    const started = performance.now();

    const outcome = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(join(dir, 'handler.mjs'))});`],
        {
          env: {
            PATH: process.env.PATH ?? '',
            ...AWS_ENV,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            SESSION_SECRET_ARN: SECRET_ID,
            REDIS_AUTH_SECRET_ARN: `${SECRET_ID}-redis`,
            AWS_ENDPOINT_URL_SECRETS_MANAGER: blackHole.url,
          },
          timeout: 30_000,
        },
        (_error, stdout, stderr) => {
          recordChildOutput('handler-init', { stdout, stderr });
          resolve({ code: child.exitCode, stderr });
        },
      );
    });
    const elapsed = performance.now() - started;

    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toContain(`Secrets Manager: cannot read secret ${SECRET_ID}`);
    expect(outcome.stderr).toContain(blackHole.url);
    // Bundle load (~0.5 s) plus the deadline, with the same room as above.
    expect(elapsed).toBeLessThan(BOUND_MS + 5000);
  }, 40_000);
});
