import { bundleEntries as bundleInto } from '../../test/helpers/npm-start-bundle';

/** Where the benchmarks' bundles go (git-ignored with the rest of .bench-build). */
export const BUNDLE_DIR = '.bench-build/suite';

/** Bundles each entry (name -> source file) into `BUNDLE_DIR/<name>.mjs`, as the soak does. */
export const bundleEntries = (entries: Readonly<Record<string, string>>): Promise<void> =>
  bundleInto(entries, BUNDLE_DIR);
