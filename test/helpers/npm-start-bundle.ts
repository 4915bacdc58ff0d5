import { build } from 'esbuild';

// npm start's own modules are CommonJS-minded (require, __dirname): the ESM bundle gets both. The
// directory is under another name, which `define` gives to free `__dirname` references only, so an
// ESM dependency that declares its own `__dirname` keeps it.
const BANNER = [
  'import { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
  'import { dirname as __dn } from "node:path"; import { fileURLToPath as __fu } from "node:url";',
  'const __bundleDirname = __dn(__fu(import.meta.url));',
].join(' ');

/**
 * Bundles each entry (name -> source file) into `<outdir>/<name>.mjs` with esbuild, as the Lambda
 * asset is bundled: the soak and the benchmarks run `npm start`'s gateway and their own processes
 * this way (under tsx, esbuild's keepNames would wrap every closure created per request in a
 * `__name` call the Lambda bundle does not have).
 */
export const bundleEntries = async (
  entries: Readonly<Record<string, string>>,
  outdir: string,
): Promise<void> => {
  await build({
    entryPoints: entries,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    loader: { '.lua': 'text' },
    define: { __dirname: '__bundleDirname' },
    // npm start only loads dynalite (and level, for a store on disk) when it starts its own
    // store; the development OpenID provider is npm start's, not the gateway's: all three are
    // loaded from node_modules as they are.
    external: ['dynalite', 'level', 'oidc-provider'],
    banner: { js: BANNER },
    logLevel: 'warning',
  });
};
