/**
 * `npm run map-stack -- <asset folder> [file]`: the function runs without `--enable-source-maps`
 * (it would cost every cold start), so a stack trace in its logs names positions in the minified
 * `index.mjs` and its chunks. This maps each such frame through the source maps the asset carries
 * beside them and prints the trace with the original file, line and column.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { helpIfAsked } from './cli-help';

const USAGE = `usage: npm run map-stack -- <asset folder> [file with the stack]

Reads a stack trace (the "stack" of an error in the gateway's log lines, with its \\n escapes or
not) from the file, or from stdin, and prints it with each frame in the function's bundle
(/var/task/index.mjs, /var/task/chunks/*.mjs) mapped to its source: file, line, column.
The asset folder is the function's code: cdk.out/asset.<hash>/ of the synth that was deployed
(its hash is the function's code hash), or the unzipped code of the deployed function.`;

const argv = process.argv.slice(2);
helpIfAsked(argv, USAGE);
const [assetDir, stackFile] = argv;
if (!assetDir || !existsSync(join(assetDir, 'index.mjs'))) {
  console.error(`${USAGE}\n\nno index.mjs in ${assetDir ?? '(no folder given)'}`);
  process.exit(2);
}

const maps = new Map<string, SourceMap | undefined>();
const mapOf = (file: string): SourceMap | undefined => {
  if (!maps.has(file)) {
    const path = join(assetDir, `${file}.map`);
    maps.set(
      file,
      existsSync(path)
        ? new SourceMap(JSON.parse(readFileSync(path, 'utf8')) as SourceMapPayload)
        : undefined,
    );
  }
  return maps.get(file);
};

/** `/var/task/<file>.mjs:line:column`, as a path or a file: URL, inside or outside parentheses. */
const FRAME = /(?:file:\/\/)?\/var\/task\/((?:chunks\/)?[\w.-]+\.mjs):(\d+):(\d+)/g;

/**
 * The maps name sources relative to the folder esbuild wrote to at synth (somewhere in a temporary
 * folder): shown from the package (`node_modules/<name>/...`) or the repository (`functions/...`).
 */
const repositoryPath = (source: string): string => {
  const dependency = source.lastIndexOf('node_modules/');
  if (dependency !== -1) return source.slice(dependency);
  const own = source.lastIndexOf('functions/');
  return own === -1 ? source.replace(/^(\.\.\/)+/, '') : source.slice(own);
};

export const mapLine = (line: string): string =>
  line.replace(FRAME, (whole, file: string, lineText: string, columnText: string) => {
    const entry = mapOf(file)?.findEntry(Number(lineText) - 1, Number(columnText) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number; name?: string }
      | undefined;
    if (!entry?.originalSource) return whole;
    const source = repositoryPath(entry.originalSource);
    const name = entry.name ? ` [${entry.name}]` : '';
    return `${source}:${(entry.originalLine ?? 0) + 1}:${(entry.originalColumn ?? 0) + 1}${name}`;
  });

const text = readFileSync(stackFile ?? 0, 'utf8').replaceAll('\\n', '\n');
console.log(text.split('\n').map(mapLine).join('\n'));
