/**
 * Lets `import script from './x.lua'` work under tsx (CommonJS), as esbuild's text loader does in
 * the Lambda bundle and jest's transform in tests: the module is the file's text.
 * Import this module before anything that imports a `.lua` file.
 */
import { readFileSync } from 'node:fs';

type Loader = (module: { exports: unknown }, filename: string) => void;
const extensions = require.extensions as unknown as Record<string, Loader>;
extensions['.lua'] ??= (module, filename) => {
  module.exports = readFileSync(filename, 'utf8');
};
