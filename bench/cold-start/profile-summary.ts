import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageOf } from './bundle-sizes';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly url: string;
    readonly functionName: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * Self time of a `--cpu-prof` profile by package. Frames in the minified bundle (`index.mjs` and
 * its chunks, in the folder of `bundlePath`) are mapped back to their sources with their source maps, so the bundle's time is split by the package it
 * came from; Node's own frames (module loading, compiling) and V8's pseudo-frames are kept apart.
 */
export const profileByPackage = (
  profilePath: string,
  bundlePath: string,
): { total: number; parts: { part: string; ms: number }[] } => {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const bundleDir = dirname(bundlePath);
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      const path = `${file}.map`;
      maps.set(
        file,
        existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined,
      );
    }
    return maps.get(file);
  };
  const partOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    let part: string;
    if (!url) part = functionName.startsWith('(') ? functionName : '(native)';
    else if (url.startsWith('node:')) part = '(node internals: module loading, built-ins)';
    else if (url.startsWith('file:') && fileURLToPath(url).startsWith(`${bundleDir}/`)) {
      const entry = (mapOf(fileURLToPath(url))?.findEntry(lineNumber, columnNumber) ?? {}) as {
        originalSource?: string;
      };
      part = entry.originalSource ? packageOf(entry.originalSource) : '(bundle, unmapped)';
    } else if (url.startsWith('file:')) part = packageOf(fileURLToPath(url));
    else part = '(other)';
    partOf.set(node.id, part);
  }
  const totals = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    total += ms;
    const part = partOf.get(id) ?? '(other)';
    totals.set(part, (totals.get(part) ?? 0) + ms);
  });
  return {
    total,
    parts: [...totals.entries()].map(([part, ms]) => ({ part, ms })).sort((a, b) => b.ms - a.ms),
  };
};
