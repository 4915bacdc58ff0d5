/**
 * `npm start`: the real Lambda handler (`functions/gateway/handler.ts`) behind a local HTTP server,
 * on embedded defaults: a demo upstream, an in-process DynamoDB-compatible store (dynalite) with
 * the sessions table, and a development session secret. Anything already set in the environment
 * (`DEMO_UPSTREAM_URL`, `DYNAMODB_ENDPOINT` or AWS settings, `SESSION_SECRET`) is used instead.
 */
import './lua-require-hook';
import './awslambda-shim';
import { startDemoUpstream } from './demo-upstream';
import { LOCAL_DEFAULTS } from './local-defaults';
import { createSessionTable, LOCAL_AWS_ENV, startLocalDynamoDb } from './local-dynamodb';
import { startLocalLogin } from './local-login';
import { startLocalServer } from './local-server';
import { prometheusMetrics } from './prometheus-metrics';

const env = process.env;

const main = async (): Promise<void> => {
  // Readable logs on a terminal; set POWERTOOLS_DEV=false to see the exact JSON Lambda writes.
  env.POWERTOOLS_DEV ??= 'true';
  env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // Node.js 20 is a supported dev runtime here (Lambda runs 24); the SDK's notice is noise.
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const demo = env.DEMO_UPSTREAM_URL ? undefined : await startDemoUpstream();
  if (demo) env.DEMO_UPSTREAM_URL = demo.url;

  const useAws = Boolean(env.DYNAMODB_ENDPOINT || env.AWS_REGION || env.AWS_PROFILE);
  const dynamo = useAws
    ? undefined
    : await startLocalDynamoDb(Number(env.DYNAMODB_PORT ?? LOCAL_DEFAULTS.dynamoDbPort));
  if (dynamo) {
    Object.assign(env, LOCAL_AWS_ENV, { DYNAMODB_ENDPOINT: dynamo.endpoint });
    env.SESSION_TABLE ??= LOCAL_DEFAULTS.sessionTable;
    env.SESSION_SECRET ??= LOCAL_DEFAULTS.sessionSecret;
    await createSessionTable(dynamo.endpoint, env.SESSION_TABLE);
  }

  const gatewayPort = Number(env.GATEWAY_PORT ?? LOCAL_DEFAULTS.gatewayPort);
  const login = await startLocalLogin(env, gatewayPort);

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
  console.log(`
The gateway is listening on ${server.url}
  demo upstream:  ${env.DEMO_UPSTREAM_URL}${demo ? ' (started here)' : ''}
  sessions:       ${dynamo ? `${dynamo.endpoint} (dynalite, in memory)` : (env.DYNAMODB_ENDPOINT ?? 'AWS')}, table ${env.SESSION_TABLE ?? LOCAL_DEFAULTS.sessionTable}
  login:          ${login ? `${login.issuer} (local OpenID provider: alice/alice, admin/admin)` : (env.OIDC_ISSUER ?? 'off')}
  rate limits:    ${redisHost ? `Redis at ${redisHost}` : 'in memory (set REDIS_URL=redis://127.0.0.1:6379 to use Redis)'}

Try:
  open http://localhost:${new URL(server.url).port}/auth/login?return_to=/api/users/1 in a browser (alice / alice)
  curl -i ${server.url}/demo/hello
  curl -i ${server.url}/health/ready
  curl ${server.url}/metrics                                 # Prometheus text format
  npm run session -- create --user alice --roles reader     # prints a cookie for /api/users/{id}
Press Ctrl-C to stop.
`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all([server.close(), demo?.close(), dynamo?.close(), login?.close()]);
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
