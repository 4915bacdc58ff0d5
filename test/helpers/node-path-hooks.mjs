// Module resolve hooks that do what the Lambda Node.js runtime's loader does for ES modules: a bare
// import the function's own folder cannot resolve is looked up in each NODE_PATH folder (on Lambda:
// /opt/nodejs/node_modules, /var/runtime/node_modules, ... where the runtime's AWS SDK lives).
// Plain Node ignores NODE_PATH for ES modules.
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let folders = [];

export const initialize = (data) => {
  folders = String(data?.nodePath ?? '')
    .split(delimiter)
    .filter(Boolean);
};

const isBare = (specifier) => !/^(\.|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);

export const resolve = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier)) throw error;
    for (const folder of folders) {
      try {
        // A parent inside the folder makes Node look in the folder itself for the package.
        const parentURL = pathToFileURL(join(folder, 'lambda-runtime-parent.mjs')).href;
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // Not in this folder: try the next.
      }
    }
    throw error;
  }
};
