import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The settings a developer's shell may carry that would point `npm start` elsewhere. */
const SHELL_SETTINGS = [
  'AWS_REGION',
  'AWS_PROFILE',
  'REDIS_URL',
  'REDIS_HOST',
  'DEMO_UPSTREAM_URL',
  'GATEWAY_INVOKE_MODE',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'COOKIE_SECURE',
  'COOKIE_DOMAIN',
  'DYNAMODB_ENDPOINT',
  'GATEWAY_SESSIONS',
  'GATEWAY_DATA_DIR',
  'GATEWAY_LOCAL_LOGS',
  'POWERTOOLS_DEV',
] as const;

/**
 * `npm start` (`tsx dev/start.ts`) as its own process, on embedded defaults plus `env`; resolves
 * once it says it listens. `stop()` sends SIGTERM to that process only. Sessions are kept in
 * memory and the development OpenID provider takes a free port unless `env` says otherwise: test
 * processes run side by side, and the data folder is one process's at a time.
 */
export const spawnNpmStart = async (
  env: Readonly<Record<string, string>>,
): Promise<{ process: ChildProcess; output: () => string; stop: () => Promise<void> }> => {
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const name of SHELL_SETTINGS) delete inherited[name];
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'dev', 'start.ts')],
    {
      cwd: ROOT,
      env: {
        ...inherited,
        ...(env.DYNAMODB_ENDPOINT ? {} : { GATEWAY_SESSIONS: 'memory' }),
        // The development OpenID provider on a free port: tests start side by side.
        OIDC_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('The gateway is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
};
