// One cold start: imports a bundled Lambda asset once, as the Node.js runtime does (cwd the asset
// folder, bare imports the bundle leaves out resolved through NODE_PATH), and prints how long the
// import took, top-level awaits (the function's init) included. Run in a fresh process each time.
// Usage: node [--cpu-prof ...] import-runner.mjs <assetDir> <file> <exportName>
// Prints `COLD_START {"importInitMs": <ms>, "handler": "<typeof export>"}`.
import { register } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [assetDir, file, exportName] = process.argv.slice(2);
if (process.env.NODE_PATH) {
  register(new URL('../../test/helpers/node-path-hooks.mjs', import.meta.url), {
    data: { nodePath: process.env.NODE_PATH },
  });
}
process.chdir(assetDir);
const url = pathToFileURL(join(assetDir, file)).href;

const start = performance.now();
const module = await import(url);
const importInitMs = performance.now() - start;

const line = `\nCOLD_START ${JSON.stringify({ importInitMs, handler: typeof module[exportName] })}\n`;
process.stdout.write(line, () => process.exit(0));
