/**
 * `tsx bench/suite/run-bundled.ts [--discard-stdout] bench/<name>.ts [args]`: bundles a benchmark
 * with esbuild and runs the bundle in a child Node.js process with the given arguments, so the code
 * it measures runs as the Lambda bundle does, not through tsx. `--discard-stdout` drops the child's
 * stdout (a benchmark that logs as production does writes its report to stderr). Exits with the
 * benchmark's exit code.
 */
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { BUNDLE_DIR, bundleEntries } from './bundle';

const discarding = process.argv[2] === '--discard-stdout';
const [entry, ...args] = process.argv.slice(discarding ? 3 : 2);
// The usage is printed on stdout: asked for, it is kept.
const discardStdout = discarding && !args.some((arg) => arg === '--help' || arg === '-h');
if (!entry) {
  console.error('usage: tsx bench/suite/run-bundled.ts [--discard-stdout] bench/<name>.ts [args]');
  process.exit(2);
}
const name = basename(entry, '.ts');

const main = async (): Promise<void> => {
  await bundleEntries({ [name]: entry });
  const child = spawn(process.execPath, [join(BUNDLE_DIR, `${name}.mjs`), ...args], {
    stdio: ['inherit', discardStdout ? 'ignore' : 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
