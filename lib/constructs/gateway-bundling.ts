/**
 * How the gateway function is bundled, in one place: `GatewayFunction` runs esbuild with these
 * options when the asset is staged, and `bench/cold-start.ts` runs esbuild with the same ones, so
 * the benchmark measures the bundle that is deployed. No aws-cdk-lib import here.
 */

/** Node.js 24 on Lambda. */
export const GATEWAY_BUNDLE_TARGET = 'node24';

export const GATEWAY_BUNDLE_MAIN_FIELDS = ['module', 'main'];

export const GATEWAY_BUNDLE_LOADER: Readonly<Record<string, 'text'>> = { '.lua': 'text' };

/**
 * The AWS SDK v3 and some dependencies call require() on Node built-ins; an ESM bundle has no
 * require unless we make one.
 */
export const GATEWAY_BUNDLE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";

/**
 * Whether the AWS SDK v3 is bundled into the asset (true) or left to the copy the Lambda runtime
 * provides (false: `@aws-sdk/*` is marked external). Bundled, as the SDK team
 * recommends: the clients are the lockfile's versions, and `bench:cold-start --compare-sdk`
 * measured import + init 0.87-0.97x of the external SDK's (docs/performance.md).
 */
export const GATEWAY_BUNDLE_AWS_SDK = true;

/**
 * The source maps ship in the asset for looking stack traces up offline (`npm run map-stack`,
 * docs/operations.md), without the sources' text. The function does not run with
 * `--enable-source-maps`: reading and parsing the maps cost 15-20% of every cold start
 * (docs/performance.md).
 */
export const GATEWAY_BUNDLE_SOURCES_CONTENT = false;

/** What the asset leaves out when the SDK is left to the runtime. */
export const RUNTIME_AWS_SDK_EXTERNALS = ['@aws-sdk/*'];

/**
 * The esbuild options of the asset: ESM, minified, source maps, `index.mjs` plus chunks. With
 * `splitting`, what the code imports with `import()` (openid-client for the login, the X-Ray
 * tracer, the SDK's credential providers other than the environment's) becomes a chunk file that
 * is read and compiled only when first used, instead of with `index.mjs` at every cold start.
 */
export const gatewayEsbuildOptions = (options: {
  readonly entry: string;
  readonly outdir: string;
  readonly bundleAwsSdk?: boolean;
}) => ({
  entryPoints: { index: options.entry },
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: GATEWAY_BUNDLE_TARGET,
  outdir: options.outdir,
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  sourcemap: true,
  sourcesContent: GATEWAY_BUNDLE_SOURCES_CONTENT,
  external: (options.bundleAwsSdk ?? GATEWAY_BUNDLE_AWS_SDK) ? [] : RUNTIME_AWS_SDK_EXTERNALS,
  loader: { ...GATEWAY_BUNDLE_LOADER },
  mainFields: GATEWAY_BUNDLE_MAIN_FIELDS,
  banner: { js: GATEWAY_BUNDLE_BANNER },
  metafile: true as const,
  logLevel: 'warning' as const,
});
