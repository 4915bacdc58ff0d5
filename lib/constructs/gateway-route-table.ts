import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileRouteTable } from '../../functions/gateway/loader/compile-route-table';

type Env = Readonly<Record<string, string | undefined>>;

const REPO_ROOT = path.join(__dirname, '..', '..');

/**
 * Checks the YAML route table at `configPath` (absolute, or relative to the repository root) with
 * `env` and writes its compiled form to a file named by its digest, outside the repository, for
 * the asset to copy as `config/gateway.json`. Returns that file's path; throws a ConfigError
 * listing every problem of a bad table, so the synth fails and not the first cold start.
 */
export const compiledRouteTableFile = (configPath: string, env: Env): string => {
  const source = path.resolve(REPO_ROOT, configPath);
  const table = compileRouteTable(readFileSync(source, 'utf8'), configPath, env);
  const folder = path.join(tmpdir(), 'gateway-route-tables');
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${table.sha256}.json`);
  writeFileSync(file, `${JSON.stringify(table, null, 2)}\n`);
  return file;
};
