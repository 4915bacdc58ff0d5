/**
 * `npm run session -- <command>`: create, revoke and list sessions.
 *
 *   create --user alice [--roles admin,reader] [--permissions a:b] [--ttl 8h] [--quiet]
 *   revoke <sessionId>
 *   list --user alice
 *
 * Store: `DYNAMODB_ENDPOINT` if set; else AWS when `AWS_REGION` or `AWS_PROFILE` is set; else the
 * local store `npm start` runs (port `DYNAMODB_PORT`, default 8000). Table: `SESSION_TABLE`.
 * Secret: `SESSION_SECRET` (the local default when talking to the local store).
 */
import { parseArgs } from 'node:util';
import { LOCAL_DEFAULTS } from '../dev/local-defaults';
import { LOCAL_AWS_ENV } from '../dev/local-dynamodb';
import { commaList } from '../functions/gateway/config/comma-list';
import { createDocumentClient } from '../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../functions/gateway/sessions/session-signer';
import { parseDurationSeconds } from './duration';
import { SessionAdmin } from './session-admin';

const usage = `usage:
  npm run session -- create --user <id> [--roles a,b] [--permissions x:y] [--ttl 8h] [--quiet]
  npm run session -- revoke <sessionId>
  npm run session -- list --user <id>`;

const resolveStore = (env: NodeJS.ProcessEnv) => {
  if (env.DYNAMODB_ENDPOINT) return { endpoint: env.DYNAMODB_ENDPOINT, local: false };
  if (env.AWS_REGION || env.AWS_DEFAULT_REGION || env.AWS_PROFILE) return { local: false };
  Object.assign(env, { ...LOCAL_AWS_ENV, ...env });
  return {
    endpoint: `http://127.0.0.1:${env.DYNAMODB_PORT ?? LOCAL_DEFAULTS.dynamoDbPort}`,
    local: true,
  };
};

const main = async (argv: string[]): Promise<number> => {
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
  const store = resolveStore(env);
  const secret = env.SESSION_SECRET ?? (store.local ? LOCAL_DEFAULTS.sessionSecret : undefined);
  if (!secret) throw new Error('SESSION_SECRET is required to sign sessions for this store');
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
  cookie:     session_token=${token}
Try it:
  curl -i --cookie 'session_token=${token}' http://127.0.0.1:${env.GATEWAY_PORT ?? LOCAL_DEFAULTS.gatewayPort}/api/users/1`);
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
    console.error(usage);
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
        ? ' (is `npm start` running, or DYNAMODB_ENDPOINT / AWS settings pointing at your store?)'
        : '';
    console.error(`session: ${error instanceof Error ? error.message : String(error)}${hint}`);
    process.exit(1);
  },
);
