/**
 * `npm run check-config [file]`: the route table check `npm start` runs and `cdk synth` runs
 * before a deploy (the function then loads the table synth compiled), for CI or an editor: every problem at once, exit code 1 when
 * there is any.
 */
import { ConfigError } from '../functions/gateway/config/config-error';
import { checkConfigFile, DEFAULT_CONFIG_PATH } from '../functions/gateway/loader/load-config';
import { helpIfAsked } from './cli-help';

const usage = `
usage: npm run check-config [-- <file>]

Checks a route table as npm start does and cdk synth does before a deploy:
YAML syntax, every field, unset \${VAR}s and overlapping routes, all reported at once.
<file> defaults to GATEWAY_CONFIG, else ${DEFAULT_CONFIG_PATH}. \${VAR}s are read from this
environment. Exit code 0 when the file is valid, 1 when it is not.`;

const argv = process.argv.slice(2);
helpIfAsked(argv, usage);
const files = argv.filter((arg) => arg !== '--');
if (files.length > 1 || files.some((arg) => arg.startsWith('-'))) {
  console.error(usage.trim());
  process.exit(2);
}
const file = files[0] ?? process.env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH;
const checked = checkConfigFile(file);
if (checked.ok) {
  const ids = checked.config.routes.map((route) => route.id ?? route.path);
  console.log(`${file}: OK, ${ids.length} route(s): ${ids.join(', ')}`);
  process.exit(0);
}
console.error(new ConfigError(file, checked.problems).message);
process.exit(1);
