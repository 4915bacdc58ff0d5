import { build } from 'esbuild';

/** Where the benchmarks' bundles go (git-ignored with the rest of .bench-build). */
export const BUNDLE_DIR = '.bench-build/suite';

// The repository's modules are CommonJS-minded (require, __dirname): the ESM bundle gets both, as
// the soak's does. `define` renames only free `__dirname` references, so an ESM dependency that
// declares its own keeps it.
const BANNER = [
  'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
  'import { dirname as __dn } from "node:path"; import { fileURLToPath as __fu } from "node:url";',
  'const __benchDirname = __dn(__fu(import.meta.url));',
].join(' ');

/**
 * Bundles each entry (name -> source file) into `BUNDLE_DIR/<name>.mjs` with esbuild, as the
 * Lambda asset is bundled: measured under tsx, esbuild's keepNames would wrap every closure created
 * per request in a `__name` call the Lambda bundle does not have.
 */
export const bundleEntries = async (entries: Readonly<Record<string, string>>): Promise<void> => {
  await build({
    entryPoints: entries,
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    loader: { '.lua': 'text' },
    define: { __dirname: '__benchDirname' },
    // npm start loads dynalite (and level) only for an embedded store, and the development
    // OpenID provider only for a route table that logs in: from node_modules, as they are.
    external: ['dynalite', 'level', 'oidc-provider'],
    banner: { js: BANNER },
    logLevel: 'warning',
  });
};
