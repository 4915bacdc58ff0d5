import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** What the stack's afterBundling step puts beside index.mjs: the route table. */
export const addRouteTable = (taskDir: string): void => {
  mkdirSync(join(taskDir, 'config'), { recursive: true });
  cpSync(join(ROOT, 'config', 'gateway.yml'), join(taskDir, 'config', 'gateway.yml'));
};
