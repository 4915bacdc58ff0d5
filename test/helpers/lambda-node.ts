import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The Node.js major the Lambda function runs on (nodejs24.x). */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * What the Lambda runtime sets in a function's environment itself (region and credentials as
 * `sam local` takes them from --region and the profile; local values, the dependencies are local).
 */
export const lambdaRuntimeEnv = (taskDir: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  TZ: ':UTC',
  LAMBDA_TASK_ROOT: taskDir,
  AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${LAMBDA_NODE_MAJOR}.x`,
  AWS_LAMBDA_FUNCTION_NAME: 'gateway',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
});

/**
 * The path of a Node.js 24 binary, as `.ci/run` provides it (`LAMBDA_NODE`), else from the same
 * cache folder, installed there from the `node@24` registry package when missing.
 */
export const lambdaNode = (): string => {
  if (process.env.LAMBDA_NODE) return process.env.LAMBDA_NODE;
  const cache =
    process.env.GATEWAY_CI_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gateway-ci');
  const prefix = join(cache, 'node24');
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, 'node@24'], {
      stdio: 'ignore',
      timeout: 300_000,
    });
  }
  return binary;
};
