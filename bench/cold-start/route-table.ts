import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPILED_ROUTE_TABLE_PATH } from '../../functions/gateway/config/route-table-format';
import { compiledRouteTableFile } from '../../lib/constructs/gateway-route-table';

/** What the stack's afterBundling step puts beside index.mjs: the shipped route table, compiled. */
export const addRouteTable = (taskDir: string): void => {
  const target = join(taskDir, COMPILED_ROUTE_TABLE_PATH);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(compiledRouteTableFile('config/gateway.yml', process.env), target);
};

export { COMPILED_ROUTE_TABLE_PATH as ROUTE_TABLE_PATH };
