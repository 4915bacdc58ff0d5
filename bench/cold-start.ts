/**
 * `npm run bench:cold-start`: what the gateway's Lambda asset costs to import and initialise,
 * against a minimal Powertools logger + metrics + middy function bundled the same way, measured in
 * the same run. Both are built with esbuild and the stack's own bundling options
 * (`lib/constructs/gateway-bundling.ts`), copied out of the repository as Lambda lays them out
 * (the asset in var/task, the runtime's AWS SDK reachable through NODE_PATH only), and imported
 * once per fresh Node.js process, alternating gateway and peer, for a number of rounds.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { GATEWAY_BUNDLE_AWS_SDK, gatewayEsbuildOptions } from '../lib/constructs/gateway-bundling';
import { helpIfAsked } from '../scripts/cli-help';
import { LAMBDA_NODE_MAJOR, lambdaNode, lambdaRuntimeEnv } from '../test/helpers/lambda-node';
import { bundleParts, bundles, kb, loadedAtInit } from './cold-start/bundle-sizes';
import { profileByPackage } from './cold-start/profile-summary';
import { addRouteTable, ROUTE_TABLE_PATH } from './cold-start/route-table';
import { percentile } from './stats';

const USAGE = `usage: npm run bench:cold-start -- [--rounds N] [--compare-sdk] [--source-maps] [--cpu-prof DIR]

Builds the gateway's Lambda asset (functions/gateway/handler.ts, the stack's esbuild options) and a
minimal peer (Powertools logger + metrics + middy), copies each out of the repository as Lambda
lays it out, and measures import + init in a fresh Node.js ${LAMBDA_NODE_MAJOR} process per sample
(the machine's node when no Node.js ${LAMBDA_NODE_MAJOR} is available), alternating gateway and
peer for N rounds (default 15). Prints each bundle's size by package (esbuild metafile), the
medians, and the verdict line "cold start ratio: Nx (target <= 5x): met|not met".

  --compare-sdk   also measures the gateway with the AWS SDK v3 the other way (bundled into the
                  asset when the stack leaves it to the runtime, and the reverse)
  --source-maps   runs both with NODE_OPTIONS=--enable-source-maps (the stack does not set it)
  --cpu-prof DIR  also writes a --cpu-prof of one gateway import to DIR and prints its self time
                  by package (mapped through the bundle's source map)

The function's environment is the stack's (POWERTOOLS_*,
GATEWAY_CONFIG, SESSION_TABLE, REDIS_*, GATEWAY_INVOKE_MODE=BUFFERED) with two local stand-ins:
SESSION_SECRET is given directly instead of SESSION_SECRET_ARN (no Secrets Manager read at init)
and Redis is 127.0.0.1:6379 without TLS or AUTH. Uses no Redis keys; nothing is invoked.`;

const argv = process.argv.slice(2);
helpIfAsked(argv, USAGE);
const option = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at === -1 ? undefined : argv[at + 1];
};
const ROUNDS = Number(option('--rounds') ?? 15);
const COMPARE_SDK = argv.includes('--compare-sdk');
const SOURCE_MAPS = argv.includes('--source-maps');
const CPU_PROF = option('--cpu-prof');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error('--rounds takes a whole number of rounds');
  process.exit(2);
}

const ROOT = join(__dirname, '..');
const RUNNER = join(ROOT, 'bench', 'cold-start', 'import-runner.mjs');
const run = promisify(execFile);

interface Variant {
  readonly name: string;
  readonly taskDir: string;
  readonly metafile: Metafile;
  readonly samples: number[];
  readonly cpuSamples: number[];
}

const work = mkdtempSync(join(tmpdir(), 'gateway-cold-start-'));

/** Bundles an entry as the stack does, into `<work>/<name>/var/task/index.mjs`. */
const bundle = async (name: string, entry: string, bundleAwsSdk: boolean): Promise<Variant> => {
  const taskDir = join(work, name, 'var', 'task');
  mkdirSync(taskDir, { recursive: true });
  const result = await build(gatewayEsbuildOptions({ entry, outdir: taskDir, bundleAwsSdk }));
  return { name, taskDir, metafile: result.metafile, samples: [], cpuSamples: [] };
};

/** Lambda's view: the runtime's SDK in /var/runtime/node_modules, on NODE_PATH. */
const runtimeNodePath = join(work, 'var', 'runtime', 'node_modules');
mkdirSync(runtimeNodePath, { recursive: true });
symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(runtimeNodePath, '@aws-sdk'));

const node = (() => {
  try {
    return lambdaNode();
  } catch {
    return process.execPath;
  }
})();

const environment = (taskDir: string): Record<string, string> => ({
  ...lambdaRuntimeEnv(taskDir),
  NODE_PATH: runtimeNodePath,
  ...(SOURCE_MAPS ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  // What lib/constructs/gateway-function.ts and lib/gateway-stack.ts set.
  GATEWAY_CONFIG: ROUTE_TABLE_PATH,
  POWERTOOLS_SERVICE_NAME: 'gateway',
  POWERTOOLS_METRICS_NAMESPACE: 'Gateway',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  SESSION_TABLE: 'gateway-sessions',
  GATEWAY_INVOKE_MODE: 'BUFFERED',
  // Local stand-ins: the secret given directly (no Secrets Manager read), Redis without TLS/AUTH.
  SESSION_SECRET: 'cold-start-bench-secret-cold-start-bench-0000',
  REDIS_HOST: '127.0.0.1',
  REDIS_PORT: '6379',
  REDIS_TLS: 'false',
});

/** One fresh process importing the asset; its import + init time in ms, wall clock and CPU. */
const coldStart = async (
  variant: Variant,
  extraArgs: readonly string[] = [],
): Promise<{ wallMs: number; cpuMs: number }> => {
  const { stdout, stderr } = await run(
    node,
    [...extraArgs, RUNNER, variant.taskDir, 'index.mjs', 'handler'],
    { env: environment(variant.taskDir), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? '',
    stderr: `${error.stderr ?? ''}\n${String(error)}`,
  }));
  const line = stdout.split('\n').find((text) => text.startsWith('COLD_START '));
  if (!line) throw new Error(`${variant.name} did not load:\n${stderr.slice(-2000)}`);
  const result = JSON.parse(line.slice('COLD_START '.length)) as {
    importInitMs: number;
    cpuMs: number;
    handler: string;
  };
  if (result.handler !== 'function') throw new Error(`${variant.name} exports no handler`);
  return { wallMs: result.importInitMs, cpuMs: result.cpuMs };
};

const median = (samples: readonly number[]): number =>
  percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );

const main = async () => {
  const gateway = await bundle(
    'gateway',
    join(ROOT, 'functions', 'gateway', 'handler.ts'),
    GATEWAY_BUNDLE_AWS_SDK,
  );
  addRouteTable(gateway.taskDir);
  const peer = await bundle(
    'peer',
    join(ROOT, 'bench', 'cold-start', 'peer-handler.ts'),
    GATEWAY_BUNDLE_AWS_SDK,
  );
  const variants = [gateway, peer];
  if (COMPARE_SDK) {
    const other = await bundle(
      GATEWAY_BUNDLE_AWS_SDK ? 'gateway-sdk-runtime' : 'gateway-sdk-bundled',
      join(ROOT, 'functions', 'gateway', 'handler.ts'),
      !GATEWAY_BUNDLE_AWS_SDK,
    );
    addRouteTable(other.taskDir);
    variants.push(other);
  }

  const nodeVersion = (await run(node, ['--version'])).stdout.trim();
  console.log(`node ${nodeVersion} (${node === process.execPath ? 'this machine' : node})`);
  console.log(
    `source maps at run time: ${SOURCE_MAPS ? 'on (--enable-source-maps)' : 'off (as the stack runs it)'}`,
  );
  console.log(
    `AWS SDK v3: ${GATEWAY_BUNDLE_AWS_SDK ? 'bundled into the asset' : "left to the runtime's copy (NODE_PATH)"}`,
  );
  for (const variant of variants) {
    const size = statSync(join(variant.taskDir, 'index.mjs')).size;
    console.log(`\n${variant.name}: index.mjs ${kb(size)}; by package (esbuild metafile):`);
    for (const { part, bytes } of bundleParts(variant.metafile, 'index.mjs').slice(0, 12)) {
      console.log(
        `  ${part.padEnd(40)} ${kb(bytes).padStart(10)}  ${((100 * bytes) / size).toFixed(1).padStart(5)}%`,
      );
    }
    const { atInit, onDemand } = loadedAtInit(variant.metafile, 'index.mjs');
    console.log(
      `  read at init: index.mjs and ${atInit.files - 1} chunks, ${kb(atInit.bytes)}; on demand: ${onDemand.files} chunks, ${kb(onDemand.bytes)}`,
    );
    console.log(
      `  bundles yaml: ${bundles(variant.metafile, 'yaml')}; bundles zod: ${bundles(variant.metafile, 'zod')}`,
    );
  }

  // One unmeasured start each, so the file system cache is warm for every sample alike.
  for (const variant of variants) await coldStart(variant);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) {
      const { wallMs, cpuMs } = await coldStart(variant);
      variant.samples.push(wallMs);
      variant.cpuSamples.push(cpuMs);
    }
  }

  console.log(
    `\nimport + init, fresh process each, ${ROUNDS} rounds (median, min-max; CPU time median):`,
  );
  for (const variant of variants) {
    const sorted = [...variant.samples].sort((a, b) => a - b);
    console.log(
      `  ${variant.name.padEnd(22)} ${median(sorted).toFixed(1).padStart(7)} ms  (${sorted[0]?.toFixed(1)}-${sorted.at(-1)?.toFixed(1)} ms); CPU ${median(variant.cpuSamples).toFixed(1)} ms`,
    );
  }
  const ratio = median(gateway.samples) / median(peer.samples);
  const cpuRatio = median(gateway.cpuSamples) / median(peer.cpuSamples);
  if (COMPARE_SDK) {
    const other = variants[2] as Variant;
    console.log(
      `  ${other.name} / gateway: ${(median(other.samples) / median(gateway.samples)).toFixed(2)}x`,
    );
  }

  if (CPU_PROF) {
    mkdirSync(CPU_PROF, { recursive: true });
    const before = new Set(readdirSync(CPU_PROF));
    await coldStart(gateway, [
      '--cpu-prof',
      '--cpu-prof-interval=100',
      `--cpu-prof-dir=${CPU_PROF}`,
    ]);
    const bundlePath = join(gateway.taskDir, 'index.mjs');
    const written = readdirSync(CPU_PROF).filter(
      (name) => name.endsWith('.cpuprofile') && !before.has(name),
    );
    // The loader hooks' thread writes a profile too: the main thread's is the one with the bundle.
    const main = written.find((name) =>
      readFileSync(join(CPU_PROF, name), 'utf8').includes('index.mjs'),
    );
    if (!main) throw new Error('no profile of the gateway import was written');
    cpSync(join(CPU_PROF, main), join(CPU_PROF, 'gateway-import.cpuprofile'));
    const { total, parts } = profileByPackage(join(CPU_PROF, main), bundlePath);
    console.log(
      `\ncpu profile of one gateway import (${join(CPU_PROF, 'gateway-import.cpuprofile')}), self time by package, ${total.toFixed(0)} ms sampled:`,
    );
    for (const { part, ms } of parts.slice(0, 15)) {
      console.log(
        `  ${part.padEnd(46)} ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%`,
      );
    }
  }

  // The CPU-time ratio is printed beside the verdict: on a shared machine the wall-clock medians
  // move with other processes' load, CPU time much less.
  console.log(`\ncold start CPU time ratio: ${cpuRatio.toFixed(1)}x`);
  console.log(
    `cold start ratio: ${ratio.toFixed(1)}x (target <= 5x): ${ratio <= 5 ? 'met' : 'not met'}`,
  );
};

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
