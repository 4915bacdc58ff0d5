// One cold start: imports a bundled Lambda asset once, as the Node.js runtime does (cwd the asset
// folder, bare imports the bundle leaves out resolved through NODE_PATH), and prints how long the
// import took, top-level awaits (the function's init) included. Run in a fresh process each time.
// Usage: node [--cpu-prof ...] import-runner.mjs <assetDir> <file> <exportName>
// Prints `COLD_START {"importInitMs": <ms>, "cpuMs": <ms>, "handler": "<typeof export>"}`.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [assetDir, file, exportName] = process.argv.slice(2);
const folders = (process.env.NODE_PATH ?? '').split(delimiter).filter(Boolean);
const isBare = (specifier) => !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
if (folders.length > 0 && typeof nodeModule.registerHooks === 'function') {
  // In-thread hooks (Node.js >= 22.15): the off-thread ones of test/helpers/node-path-hooks.mjs
  // cost a round trip to the hooks thread for every module the SDK loads, which Lambda's own
  // loader does not pay, and which would be charged to the gateway alone (the peer loads nothing
  // from NODE_PATH).
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
        for (const folder of folders) {
          if (!existsSync(folder)) continue;
          try {
            const parentURL = pathToFileURL(join(folder, 'lambda-runtime-parent.mjs')).href;
            return nextResolve(specifier, { ...context, parentURL });
          } catch {
            // Not in this folder: try the next.
          }
        }
        throw error;
      }
    },
  });
} else if (folders.length > 0) {
  nodeModule.register(new URL('../../test/helpers/node-path-hooks.mjs', import.meta.url), {
    data: { nodePath: process.env.NODE_PATH },
  });
}
process.chdir(assetDir);
const url = pathToFileURL(join(assetDir, file)).href;

const start = performance.now();
const cpuStart = process.cpuUsage();
const module = await import(url);
const importInitMs = performance.now() - start;
// CPU time (user + system, all of the process's threads): on a machine other processes load, it
// moves much less than the wall-clock time does.
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;

const line = `\nCOLD_START ${JSON.stringify({ importInitMs, cpuMs, handler: typeof module[exportName] })}\n`;
process.stdout.write(line, () => process.exit(0));
