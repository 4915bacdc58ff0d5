/**
 * `npm start`: the real gateway handler behind a local HTTP server, on embedded defaults:
 * a demo upstream it starts itself and the route table in `config/gateway.yml` (or `GATEWAY_CONFIG`).
 */
import { startDemoUpstream } from './demo-upstream';
import { startLocalServer } from './local-server';

const main = async (): Promise<void> => {
  // Readable logs on a terminal; set POWERTOOLS_DEV=false to see the exact JSON Lambda writes.
  process.env.POWERTOOLS_DEV ??= 'true';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  const demo = process.env.DEMO_UPSTREAM_URL ? undefined : await startDemoUpstream();
  if (demo) process.env.DEMO_UPSTREAM_URL = demo.url;

  // Imported after the environment is set: the logger and metrics read it when they load.
  const { loadConfig } = await import('../functions/gateway/config/load-config');
  const { createGateway } = await import('../functions/gateway/create-gateway');
  const { logger } = await import('../functions/gateway/observability/logger');
  const { metrics } = await import('../functions/gateway/observability/metrics');
  const { fetchUpstream } = await import('../functions/gateway/proxy/fetch-upstream');

  const handler = createGateway({
    config: loadConfig(),
    upstream: fetchUpstream(),
    logger,
    metrics,
  });
  const port = Number(process.env.GATEWAY_PORT ?? 8080);
  const server = await startLocalServer(handler, port);

  console.log(`
The gateway is listening on ${server.url}${demo ? ` (demo upstream on ${demo.url})` : ''}
  curl -i ${server.url}/demo/hello
  curl -i ${server.url}/health/live
Press Ctrl-C to stop.
`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all([server.close(), demo?.close()]);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
