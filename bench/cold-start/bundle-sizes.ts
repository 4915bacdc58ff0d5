import type { Metafile } from 'esbuild';

export interface PartSize {
  readonly part: string;
  readonly bytes: number;
}

/** `@scope/name` or `name` of the last node_modules folder in a path; own code otherwise. */
export const packageOf = (path: string): string => {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return '(gateway code)';
  const [first = '', second = ''] = path.slice(at + 'node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
};

/** Bytes each package contributes to the output file, largest first (esbuild's own accounting). */
export const bundleParts = (metafile: Metafile, outputPath: string): PartSize[] => {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outputPath));
  if (!output) throw new Error(`no output ${outputPath} in the metafile`);
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const part = packageOf(path);
    totals.set(part, (totals.get(part) ?? 0) + bytesInOutput);
  }
  return [...totals.entries()]
    .map(([part, bytes]) => ({ part, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
};

/** Whether any input of the bundle comes from this package. */
export const bundles = (metafile: Metafile, name: string): boolean =>
  Object.keys(metafile.inputs).some((path) => packageOf(path) === name);

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export interface FileSet {
  readonly files: number;
  readonly bytes: number;
}

/**
 * The output files a cold start reads: the entry and the chunks it imports statically, transitively
 * (the rest are chunks behind `import()`, read when first used).
 */
export const loadedAtInit = (
  metafile: Metafile,
  entryPath: string,
): { atInit: FileSet; onDemand: FileSet } => {
  const outputs = Object.entries(metafile.outputs).filter(([path]) => !path.endsWith('.map'));
  const entry = outputs.find(([path]) => path.endsWith(entryPath));
  if (!entry) throw new Error(`no output ${entryPath} in the metafile`);
  const seen = new Set<string>([entry[0]]);
  const pending = [entry[0]];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    for (const { path: imported, kind } of metafile.outputs[path]?.imports ?? []) {
      if (kind !== 'import-statement' || seen.has(imported) || !metafile.outputs[imported])
        continue;
      seen.add(imported);
      pending.push(imported);
    }
  }
  const sum = (paths: string[]): FileSet => ({
    files: paths.length,
    bytes: paths.reduce((total, path) => total + (metafile.outputs[path]?.bytes ?? 0), 0),
  });
  const all = outputs.map(([path]) => path);
  return {
    atInit: sum(all.filter((path) => seen.has(path))),
    onDemand: sum(all.filter((path) => !seen.has(path))),
  };
};
