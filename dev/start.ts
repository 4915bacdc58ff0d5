/**
 * `npm start`: the real Lambda handler (`functions/gateway/handler.ts`) behind a local HTTP server,
 * on embedded defaults: a demo upstream, a DynamoDB-compatible store (dynalite) with the sessions
 * table, and a development session secret. The store is chosen from explicit settings only
 * (`DYNAMODB_ENDPOINT`, `GATEWAY_SESSIONS`), never from ambient AWS settings; see
 * `session-store-choice.ts`. The banner says what was chosen and why.
 */
import './lua-require-hook';
import './awslambda-shim';
import { isAbsolute, relative } from 'node:path';
import { loadConfig } from '../functions/gateway/loader/load-config';
import { helpIfAsked } from '../scripts/cli-help';
import { banner } from './banner';
import { compactStream } from './compact-log';
import { startDemoUpstream } from './demo-upstream';
import { LOCAL_DEFAULTS } from './local-defaults';
import { createSessionTable, type LocalDynamoDb, startLocalDynamoDb } from './local-dynamodb';
import { startLocalLogin } from './local-login';
import { startLocalServer } from './local-server';
import { dataDirInUse } from './persistent-dynalite';
import { prometheusMetrics } from './prometheus-metrics';
import { shellQuote } from './route-hints';
import {
  chooseSessionSecret,
  chooseSessionStore,
  localAwsDefaults,
  type SessionStoreChoice,
} from './session-store-choice';

const usage = `
usage: npm start

Runs the gateway locally: the real Lambda handler behind http://127.0.0.1:$GATEWAY_PORT (8080),
the route table $GATEWAY_CONFIG (config/gateway.yml), a demo upstream, and sessions in an
embedded DynamoDB-compatible store. Settings (all optional; see docs/configuration.md):
  GATEWAY_PORT, GATEWAY_CONFIG, DEMO_UPSTREAM_URL, REDIS_URL
  GATEWAY_SESSIONS   local (default: kept in .gateway-data/), memory, or aws
  DYNAMODB_ENDPOINT  another DynamoDB-compatible store (DYNAMODB_PORT: the embedded one's port)
  SESSION_SECRET     the signing secret (a development secret for a local store)
  POWERTOOLS_DEV     false: the JSON Lambda writes instead of one short line per request`;

const env = process.env;

/** One short line per entry on a terminal; Lambda's JSON when asked or when piped. */
const chooseLogs = (): string => {
  const asked = env.GATEWAY_LOCAL_LOGS;
  if (env.POWERTOOLS_DEV === 'true') return 'Powertools pretty-printed JSON (POWERTOOLS_DEV=true)';
  const compact =
    asked === 'compact' ||
    (asked !== 'json' && env.POWERTOOLS_DEV !== 'false' && process.stdout.isTTY === true);
  if (!compact) {
    return 'the JSON Lambda writes (POWERTOOLS_DEV=false, GATEWAY_LOCAL_LOGS=json or not a terminal)';
  }
  compactStream(process.stdout);
  compactStream(process.stderr);
  return 'one line per request (POWERTOOLS_DEV=false for the JSON Lambda writes)';
};

/** Starts the store the choice names, when it is an embedded one; says where and why. */
const startSessions = async (
  choice: SessionStoreChoice,
): Promise<{ dynamo?: LocalDynamoDb; description: string; sessionEnv: string[] }> => {
  const table = env.SESSION_TABLE ?? LOCAL_DEFAULTS.sessionTable;
  if (choice.kind === 'aws') {
    return {
      description: `AWS, table ${table} (${choice.why})`,
      sessionEnv: ['GATEWAY_SESSIONS=aws'],
    };
  }
  if (choice.kind === 'endpoint') {
    if (choice.local) {
      localAwsDefaults(env);
      await createSessionTable(choice.endpoint, table).catch((error: unknown) => {
        console.error(
          `Could not create table ${table} at ${choice.endpoint}: ${(error as Error).message}`,
        );
      });
    }
    return {
      description: `${choice.endpoint}, table ${table} (${choice.why})`,
      sessionEnv: [`DYNAMODB_ENDPOINT=${shellQuote(choice.endpoint)}`],
    };
  }
  const port = Number(env.DYNAMODB_PORT ?? LOCAL_DEFAULTS.dynamoDbPort);
  let dataDir = choice.dataDir;
  let why = choice.why;
  if (dataDir && (await dataDirInUse(dataDir))) {
    why = `${dataDir} is in use by another npm start: in memory instead`;
    dataDir = undefined;
  }
  const dynamo = await startLocalDynamoDb(port, '127.0.0.1', dataDir);
  localAwsDefaults(env);
  env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  env.SESSION_TABLE = table;
  await createSessionTable(dynamo.endpoint, table);
  const shown = dataDir && relative(process.cwd(), dataDir);
  const where = dataDir
    ? `kept in ${shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : dataDir}`
    : 'in memory';
  return {
    dynamo,
    description: `dynalite at ${dynamo.endpoint}, ${where}, table ${table} (${why})`,
    sessionEnv: port === LOCAL_DEFAULTS.dynamoDbPort ? [] : [`DYNAMODB_PORT=${port}`],
  };
};

const main = async (): Promise<void> => {
  helpIfAsked(process.argv.slice(2), usage);
  const logs = chooseLogs();
  if (env.POWERTOOLS_DEV !== 'true') delete env.POWERTOOLS_DEV;
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // As the Lambda runtime sets it: Powertools marks the first invocation as the cold start.
  env.AWS_LAMBDA_INITIALIZATION_TYPE ??= 'on-demand';
  // Node.js 20 is a supported dev runtime here (Lambda runs 24); the SDK's notice is noise.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const configPath = env.GATEWAY_CONFIG ?? 'config/gateway.yml';
  const demo = env.DEMO_UPSTREAM_URL ? undefined : await startDemoUpstream();
  if (demo) env.DEMO_UPSTREAM_URL = demo.url;
  const gatewayPort = Number(env.GATEWAY_PORT ?? LOCAL_DEFAULTS.gatewayPort);
  // The development OpenID provider (unless OIDC_ISSUER names one): the route table's
  // `auth.oidc` reads its issuer from the environment.
  const login = await startLocalLogin(env, gatewayPort);
  // Checked before anything else starts listening for sessions: a bad file is the first thing said.
  const config = loadConfig(configPath);

  const choice = chooseSessionStore(env);
  const sessions = await startSessions(choice);
  const secret = chooseSessionSecret(env, choice);
  if (secret.secret) env.SESSION_SECRET = secret.secret;

  // Imported after the environment is set: the gateway wires itself from it, as on Lambda.
  const { wireGatewayFromEnv } = await import('../functions/gateway/wiring');
  const prometheus = prometheusMetrics();
  const handler = await wireGatewayFromEnv({ extraMetrics: prometheus.metrics });
  const server = await startLocalServer(
    handler,
    gatewayPort,
    '127.0.0.1',
    async (request, response) => {
      if (request.method !== 'GET' || request.url !== '/metrics') return false;
      response
        .writeHead(200, { 'content-type': prometheus.registry.contentType })
        .end(await prometheus.registry.metrics());
      return true;
    },
  );

  // Host only: a REDIS_URL may carry a password.
  const redisHost = env.REDIS_URL ? new URL(env.REDIS_URL).host : env.REDIS_HOST;
  console.log(
    banner({
      url: server.url,
      configPath,
      config,
      sessions: sessions.description,
      secret: secret.source,
      rateLimits: redisHost
        ? `Redis at ${redisHost}`
        : 'in memory (set REDIS_URL=redis://127.0.0.1:6379 to use Redis)',
      ...(demo
        ? { demoUpstream: `${demo.url} (started here; DEMO_UPSTREAM_URL names another)` }
        : {}),
      logs,
      sessionEnv: sessions.sessionEnv,
      ...(config.auth.oidc
        ? {
            login: login
              ? `${login.issuer} (local OpenID provider: alice/alice, admin/admin)`
              : config.auth.oidc.issuer,
          }
        : {}),
    }),
  );

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all([server.close(), demo?.close(), sessions.dynamo?.close(), login?.close()]);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    console.error(
      `A port is in use (${(error as Error).message}); set GATEWAY_PORT or DYNAMODB_PORT.`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
