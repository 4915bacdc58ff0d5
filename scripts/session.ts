/**
 * `npm run session -- <command>`: create, revoke and list sessions.
 *
 *   create --user alice [--roles admin,reader] [--permissions a:b] [--ttl 8h] [--quiet]
 *   revoke <sessionId>
 *   list --user alice
 *
 * Store: chosen as `npm start` chooses it, from explicit settings only (`DYNAMODB_ENDPOINT`,
 * `GATEWAY_SESSIONS=aws`; else the local store `npm start` runs on `DYNAMODB_PORT`, default 8000).
 * Table: `SESSION_TABLE`. Secret: `SESSION_SECRET` (the development one for a local store).
 */
import { parseArgs } from 'node:util';
import { LOCAL_DEFAULTS } from '../dev/local-defaults';
import { examplePath, protectedExample } from '../dev/route-hints';
import {
  chooseSessionSecret,
  chooseSessionStore,
  localAwsDefaults,
} from '../dev/session-store-choice';
import { commaList } from '../functions/gateway/config/comma-list';
import { checkConfigFile, DEFAULT_CONFIG_PATH } from '../functions/gateway/loader/load-config';
import { createDocumentClient } from '../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { helpIfAsked } from './cli-help';
import { parseDurationSeconds } from './duration';
import { SessionAdmin } from './session-admin';

const usage = `
usage:
  npm run session -- create --user <id> [--roles a,b] [--permissions x:y] [--ttl 8h] [--quiet]
  npm run session -- revoke <sessionId>
  npm run session -- list --user <id>

create prints the cookie (--quiet: only its value), revoke marks a session revoked, list shows a
user's sessions. The store is the one npm start uses: its local store on DYNAMODB_PORT (8000),
or DYNAMODB_ENDPOINT, or AWS with GATEWAY_SESSIONS=aws (AWS_REGION / AWS_PROFILE as usual).
SESSION_TABLE names the table; SESSION_SECRET signs (the development secret for a local store).
The hints use GATEWAY_CONFIG (cookie name, a protected route) and GATEWAY_PORT.`;

const resolveStore = (env: NodeJS.ProcessEnv): { endpoint?: string } => {
  const choice = chooseSessionStore(env);
  if (choice.kind === 'aws') return {};
  if (choice.kind === 'endpoint') {
    if (choice.local) localAwsDefaults(env);
    return { endpoint: choice.endpoint };
  }
  localAwsDefaults(env);
  return { endpoint: `http://127.0.0.1:${env.DYNAMODB_PORT ?? LOCAL_DEFAULTS.dynamoDbPort}` };
};

/** The cookie line and a curl line for it, from the route table the gateway serves. */
const tryIt = (env: NodeJS.ProcessEnv, token: string): string => {
  const path = env.GATEWAY_CONFIG ?? DEFAULT_CONFIG_PATH;
  const checked = checkConfigFile(path, { DEMO_UPSTREAM_URL: 'http://demo', ...env });
  if (!checked.ok) {
    return `  cookie:     ${token} (under the route table's cookie name: ${path} does not load; npm run check-config says why)`;
  }
  const cookie = `${checked.config.sessions.cookie_name}=${token}`;
  const route = protectedExample(checked.config);
  const url = `http://127.0.0.1:${env.GATEWAY_PORT ?? LOCAL_DEFAULTS.gatewayPort}`;
  return route
    ? `  cookie:     ${cookie}\nTry it:\n  curl -i --cookie '${cookie}' ${url}${examplePath(route)}`
    : `  cookie:     ${cookie}\n  (${path} has no route that needs a session)`;
};

const main = async (argv: string[]): Promise<number> => {
  helpIfAsked(argv, usage);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // A session id is base64url: one in 64 begins with '-', which parseArgs would take for an
  // option. The id after `revoke` is therefore taken as it is, before options are parsed.
  const [first, second, ...rest] = argv;
  const revokeId = first === 'revoke' && second?.startsWith('-') && !second.startsWith('--');
  const { positionals, values } = parseArgs({
    args: revokeId ? [first, ...rest] : argv,
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      roles: { type: 'string' },
      permissions: { type: 'string' },
      ttl: { type: 'string', default: '8h' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const [command, parsedArgument] = positionals;
  const argument = revokeId ? second : parsedArgument;
  const env = process.env;
  const choice = chooseSessionStore(env);
  const store = resolveStore(env);
  const { secret, source } = chooseSessionSecret(env, choice);
  if (!secret)
    throw new Error(`SESSION_SECRET is required to sign sessions for this store (${source})`);
  const tableName = env.SESSION_TABLE ?? LOCAL_DEFAULTS.sessionTable;
  const client = createDocumentClient({
    ...(store.endpoint ? { endpoint: store.endpoint } : {}),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    requestTimeoutMs: 5000,
  });
  const admin = new SessionAdmin(client, tableName, new SessionSigner([secret]));
  const where = store.endpoint ? `${store.endpoint} table ${tableName}` : `AWS table ${tableName}`;

  try {
    if (command === 'create' && values.user) {
      const { record, token } = await admin.create({
        userId: values.user,
        roles: commaList(values.roles),
        permissions: commaList(values.permissions),
        ttlSeconds: parseDurationSeconds(values.ttl ?? '8h'),
      });
      if (values.quiet) {
        console.log(token);
        return 0;
      }
      console.log(`Created a session for ${record.userId} in ${where}
  session id: ${record.sessionId}
  roles:      ${record.roles.join(', ') || '(none)'}
  expires:    ${new Date(record.expiresAt * 1000).toISOString()}
${tryIt(env, token)}`);
      return 0;
    }
    if (command === 'revoke' && argument) {
      const revoked = await admin.revoke(argument);
      console.log(revoked ? `Revoked session ${argument}` : `No session ${argument} in ${where}`);
      return revoked ? 0 : 1;
    }
    if (command === 'list' && values.user) {
      const sessions = await admin.listByUser(values.user);
      if (sessions.length === 0) console.log(`No sessions for ${values.user} in ${where}`);
      for (const s of sessions) {
        const state = s.revoked
          ? 'revoked'
          : s.expiresAt * 1000 <= Date.now()
            ? 'expired'
            : 'active';
        console.log(
          `${s.sessionId}  ${state.padEnd(7)}  expires ${new Date(s.expiresAt * 1000).toISOString()}  roles ${s.roles.join(',') || '-'}`,
        );
      }
      return 0;
    }
    console.error(usage.trim());
    return 2;
  } finally {
    client.destroy();
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const name = error instanceof Error ? error.name : '';
    const hint =
      name === 'ResourceNotFoundException' || (error as { code?: string }).code === 'ECONNREFUSED'
        ? ' (is `npm start` running, or DYNAMODB_ENDPOINT / GATEWAY_SESSIONS=aws pointing at your store?)'
        : '';
    console.error(`session: ${error instanceof Error ? error.message : String(error)}${hint}`);
    process.exit(1);
  },
);
