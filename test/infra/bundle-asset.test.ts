import { execFile, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { type DemoUpstream, startDemoUpstream } from '../../dev/demo-upstream';
import {
  createSessionTable,
  LOCAL_AWS_ENV,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../dev/local-dynamodb';
import { routeTableDigest } from '../../functions/gateway/config/route-table-format';
import { compileRouteTable } from '../../functions/gateway/loader/compile-route-table';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { compiledRouteTableFile } from '../../lib/constructs/gateway-route-table';
import { GatewayStack } from '../../lib/gateway-stack';
import { SessionAdmin } from '../../scripts/session-admin';
import { functionUrlEvent } from '../helpers/function-url-event';
import { LAMBDA_NODE_MAJOR, lambdaNode, lambdaRuntimeEnv } from '../helpers/lambda-node';
import { recordChildOutput } from '../helpers/log-capture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const EVENTS = join(ROOT, 'events');
const INVOKE = join(ROOT, 'test', 'helpers', 'invoke-bundle.mjs');

/**
 * The function as it is deployed: the asset `cdk synth` produces, copied out of the repository
 * (so no import can resolve from its node_modules), run on Node.js 24 as the Lambda runtime loads
 * it (cwd the task folder, the runtime's AWS SDK on NODE_PATH (the gateway's bundle carries its own), the `awslambda` global defined
 * first), with the stack's own environment plus `events/env.json` (as `sam local invoke
 * --env-vars` would), against real dependencies: dynalite, the machine's Redis, the demo upstream.
 */

interface FunctionResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The answer each `events/` file must get: status and what the body holds. */
const EXPECTED: Record<string, { status: number; body: Record<string, unknown> }> = {
  'demo-echo-binary.json': {
    status: 200,
    body: {
      method: 'POST',
      path: '/public/echo/upload',
      query: 'debug=1&tag=a%20b',
      body_bytes: 6,
    },
  },
  'demo-hello.json': { status: 200, body: { message: 'Hello from the demo upstream' } },
  'health-live.json': { status: 200, body: { status: 'live' } },
  'health-ready.json': {
    status: 200,
    body: {
      status: 'ready',
      checks: {
        dynamodb: expect.objectContaining({ status: 'up' }),
        redis: expect.objectContaining({ status: 'up' }),
      },
    },
  },
  'not-found.json': {
    status: 404,
    body: {
      error: 'not_found',
      message: expect.any(String),
      correlation_id: expect.any(String),
      timestamp: expect.any(String),
    },
  },
  'users-no-session.json': {
    status: 401,
    body: {
      error: 'unauthenticated',
      message: expect.any(String),
      correlation_id: expect.any(String),
      timestamp: expect.any(String),
    },
  },
};

const eventFiles = readdirSync(EVENTS)
  .filter((name) => name.endsWith('.json') && name !== 'env.json')
  .sort();

let work = '';
let taskDir = '';
let rotationTaskDir = '';
let runtimeNodePath = '';
let shim = '';
let node = '';
let dynamo: LocalDynamoDb;
let demo: DemoUpstream;
const functionEnv: Record<'buffered' | 'streaming' | 'traced', Record<string, string>> = {
  buffered: {},
  streaming: {},
  traced: {},
};

/** The gateway function's resource in a synthesized template. */
const gatewayFunction = (template: {
  Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }
  >;
}) => {
  const found = Object.entries(template.Resources).filter(
    ([id, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && id.startsWith('GatewayFunction'),
  );
  expect(found).toHaveLength(1);
  return found[0]?.[1] as (typeof template.Resources)[string];
};

/** The environment the stack gives the function, the plain-string values (others are references). */
const plainVariables = (fn: { Properties: Record<string, unknown> }): Record<string, string> =>
  Object.fromEntries(
    Object.entries(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    ).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'gateway-asset-'));
  const app = new App({
    outdir: join(work, 'cdk.out'),
    context: {
      'aws:cdk:enable-asset-metadata': true,
      // The traced stack's asset is the same bundle; only its environment is read.
      'aws:cdk:bundling-stacks': [
        'Gateway-asset',
        'Gateway-asset-stream',
        'Gateway-asset-rotation',
      ],
    },
  });
  new GatewayStack(app, 'Gateway-asset', { stage: 'asset' });
  new GatewayStack(app, 'Gateway-asset-stream', {
    stage: 'asset-stream',
    invokeMode: 'RESPONSE_STREAM' as never,
  });
  new GatewayStack(app, 'Gateway-asset-traced', { stage: 'asset-traced', tracing: true });
  new GatewayStack(app, 'Gateway-asset-rotation', {
    stage: 'asset-rotation',
    cacheAuthRotationDays: 30,
  });
  const assembly = app.synth();
  const rotation = Object.entries(
    assembly.getStackByName('Gateway-asset-rotation').template.Resources as Record<
      string,
      { Type: string; Metadata?: Record<string, string> }
    >,
  ).find(
    ([id, resource]) =>
      resource.Type === 'AWS::Lambda::Function' && id.startsWith('CacheAuthRotationFunction'),
  );
  rotationTaskDir = join(work, 'rotation', 'var', 'task');
  cpSync(
    join(assembly.directory, rotation?.[1].Metadata?.['aws:asset:path'] ?? 'missing'),
    rotationTaskDir,
    { recursive: true },
  );
  const buffered = gatewayFunction(assembly.getStackByName('Gateway-asset').template);
  const streaming = gatewayFunction(assembly.getStackByName('Gateway-asset-stream').template);
  functionEnv.buffered = plainVariables(buffered);
  functionEnv.streaming = plainVariables(streaming);
  functionEnv.traced = plainVariables(
    gatewayFunction(assembly.getStackByName('Gateway-asset-traced').template),
  );

  // As Lambda lays it out: the asset in /var/task, the runtime's SDK in /var/runtime/node_modules.
  taskDir = join(work, 'var', 'task');
  cpSync(join(assembly.directory, buffered.Metadata?.['aws:asset:path'] ?? 'missing'), taskDir, {
    recursive: true,
  });
  runtimeNodePath = join(work, 'var', 'runtime', 'node_modules');
  mkdirSync(runtimeNodePath, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules', '@aws-sdk'), join(runtimeNodePath, '@aws-sdk'));
  shim = join(work, 'awslambda-shim.mjs');
  await build({
    entryPoints: [join(ROOT, 'dev', 'awslambda-shim.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: shim,
    logLevel: 'warning',
  });

  node = lambdaNode();
  dynamo = await startLocalDynamoDb();
  demo = await startDemoUpstream();
}, 180_000);

afterAll(async () => {
  await dynamo?.close();
  await demo?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every file of an asset, relative to its folder. */
const assetFiles = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((file) =>
    statSync(join(dir, file)).isFile(),
  );

/** The sources the source maps of these asset files list. */
const mapSources = (files: readonly string[]): string[] =>
  files.flatMap(
    (file) =>
      (JSON.parse(readFileSync(join(taskDir, `${file}.map`), 'utf8')) as { sources: string[] })
        .sources,
  );

/** An asset file and the chunks it imports statically, transitively: what its import reads. */
const staticClosure = (entry: string): string[] => {
  const seen = new Set([entry]);
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const code = readFileSync(join(taskDir, file), 'utf8');
    // Minified static imports: `import{a as b}from"./chunks/x.mjs"` or `import"./chunks/x.mjs"`;
    // `import("./chunks/x.mjs")` is a dynamic one, read on demand.
    for (const [, target] of code.matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+\.mjs)"/g)) {
      const path = join(dirname(file), target as string);
      if (!seen.has(path)) {
        seen.add(path);
        pending.push(path);
      }
    }
  }
  return [...seen];
};

/** One cold container: init, then each event in turn. */
const invoke = async (
  mode: 'buffered' | 'streaming' | 'traced',
  files: readonly string[],
  options: { nodePath?: string; env?: Record<string, string>; taskDir?: string } = {
    nodePath: runtimeNodePath,
  },
) => {
  const dir = options.taskDir ?? taskDir;
  const envVars = JSON.parse(readFileSync(join(EVENTS, 'env.json'), 'utf8')) as {
    Parameters: Record<string, string>;
  };
  const table = envVars.Parameters.SESSION_TABLE ?? 'gateway-sessions';
  await createSessionTable(dynamo.endpoint, table);
  const env: Record<string, string> = {
    ...functionEnv[mode],
    ...envVars.Parameters,
    // The function cannot set these (reserved names): the runtime's own win.
    ...lambdaRuntimeEnv(dir),
    _HANDLER: 'index.handler',
    ...(options.nodePath ? { NODE_PATH: options.nodePath } : {}),
    // env.json points at the host from inside SAM's container; here the dependencies are local.
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    REDIS_HOST: '127.0.0.1',
    DEMO_UPSTREAM_URL: demo.url,
    ...options.env,
  };
  const { stdout, stderr } = await run(
    node,
    [
      '--import',
      shim,
      INVOKE,
      dir,
      'index.mjs',
      'handler',
      ...files.map((f) => (f.startsWith('/') ? f : join(EVENTS, f))),
    ],
    { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  ).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? '',
    stderr: `${error.stderr ?? ''}\n${String(error)}`,
  }));
  recordChildOutput(`bundle-asset-${mode}`, { stdout, stderr });
  const lines = stdout.split('\n');
  const value = (prefix: string) =>
    lines
      .filter((line) => line.startsWith(`${prefix} `))
      .map((line) => line.slice(prefix.length + 1));
  return {
    stdout,
    stderr,
    node: value('NODE')[0],
    streaming: value('STREAMING')[0],
    results: value('RESULT').map((line) => JSON.parse(line) as FunctionResult),
  };
};

const bodyOf = (result: FunctionResult): unknown =>
  JSON.parse(
    Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8').toString('utf8'),
  );

describe('Infra: the synthesized asset, outside the repository, on Node.js 24', () => {
  it('is a self-contained copy: no node_modules beside it, and the repository out of reach', () => {
    expect(relative(ROOT, taskDir).startsWith('..')).toBe(true);
    expect(existsSync(join(taskDir, 'node_modules'))).toBe(false);
    expect(Object.keys(EXPECTED).sort()).toEqual(eventFiles);
  });

  it('carries the route table compiled at synth, and neither the yaml package nor the config schema', () => {
    expect(existsSync(join(taskDir, 'config', 'gateway.yml'))).toBe(false);
    expect(JSON.parse(readFileSync(join(taskDir, 'config', 'gateway.json'), 'utf8'))).toEqual(
      compileRouteTable(
        readFileSync(join(ROOT, 'config', 'gateway.yml'), 'utf8'),
        'config/gateway.yml',
      ),
    );
    // The source maps list every file esbuild put into the bundle and its chunks.
    const sources = mapSources(assetFiles(taskDir).filter((file) => file.endsWith('.mjs')));
    expect(sources.some((source) => source.includes('functions/gateway/handler.ts'))).toBe(true);
    expect(sources.filter((source) => /node_modules\/yaml\//.test(source))).toEqual([]);
    expect(
      sources.filter((source) =>
        /functions\/gateway\/config\/(schema|load-config|issue-messages|schema-shape)\.ts$/.test(
          source,
        ),
      ),
    ).toEqual([]);
  });

  it("reads at init only what a request needs: login, tracing and undici's unused parts are not in it", () => {
    const atInit = staticClosure('index.mjs');
    const initSources = mapSources(atInit);
    const allSources = mapSources(assetFiles(taskDir).filter((file) => file.endsWith('.mjs')));
    for (const lazy of ['node_modules/openid-client/', 'node_modules/aws-xray-sdk-core/']) {
      expect({ lazy, atInit: initSources.some((source) => source.includes(lazy)) }).toEqual({
        lazy,
        atInit: false,
      });
      expect({ lazy, inAsset: allSources.some((source) => source.includes(lazy)) }).toEqual({
        lazy,
        inAsset: true,
      });
    }
    // undici's index evaluates fetch, WebSocket, the cache and the mocks (undici-parts.ts).
    expect(allSources.filter((source) => /node_modules\/undici\/index\.js$/.test(source))).toEqual(
      [],
    );
    // Nor WebSocket, EventSource, the cache, the mocks, or the cookies module (which reads
    // `globalThis.Headers` and so makes Node.js load its own copy of undici).
    expect(
      initSources.filter((source) =>
        /node_modules\/undici\/lib\/(web\/(websocket|eventsource|cache|cookies)|mock)\//.test(
          source,
        ),
      ),
    ).toEqual([]);
  });

  it('loads every chunk on Node.js 24 (what the function reads on demand resolves in the asset)', async () => {
    const chunks = assetFiles(taskDir).filter((file) => /^chunks\/.*\.mjs$/.test(file));
    expect(chunks.length).toBeGreaterThan(0);
    const script = `for (const chunk of ${JSON.stringify(chunks)}) await import('./' + chunk); console.log('LOADED');`;
    const { stdout, stderr } = await run(node, ['--input-type=module', '-e', script], {
      cwd: taskDir,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' },
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string }) => ({
      stdout: error.stdout ?? '',
      stderr: `${error.stderr ?? ''}\n${String(error)}`,
    }));
    recordChildOutput('bundle-asset-chunks', { stdout, stderr });
    expect(stdout.trim()).toBe('LOADED');
  }, 60_000);

  it('maps a stack trace of the minified asset back to the sources (npm run map-stack)', () => {
    // A position in index.mjs that comes from the gateway's own wiring, as a log line's stack has it.
    const map = new SourceMap(JSON.parse(readFileSync(join(taskDir, 'index.mjs.map'), 'utf8')));
    const lines = readFileSync(join(taskDir, 'index.mjs'), 'utf8').split('\n');
    let frame = '';
    for (let line = 0; line < lines.length && !frame; line++) {
      for (let column = 0; column < (lines[line]?.length ?? 0); column += 50) {
        const entry = map.findEntry(line, column) as { originalSource?: string };
        if (entry.originalSource?.endsWith('functions/gateway/wire-gateway.ts')) {
          frame = `    at wireGateway (file:///var/task/index.mjs:${line + 1}:${column + 1})`;
          break;
        }
      }
    }
    expect(frame).not.toBe('');
    const stackFile = join(work, 'stack.txt');
    writeFileSync(stackFile, `Error: boom\\n${frame}\\n    at node:internal/x:1:1`);

    const result = spawnSync(
      'npx',
      ['tsx', join(ROOT, 'scripts', 'map-stack.ts'), taskDir, stackFile],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    recordChildOutput('bundle-asset-map-stack', { stdout: result.stdout, stderr: result.stderr });

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Error: boom$/m);
    expect(result.stdout).toMatch(
      /^ {4}at wireGateway \(functions\/gateway\/wire-gateway\.ts:\d+:\d+/m,
    );
    expect(result.stdout).not.toContain('/var/task/index.mjs');
  }, 70_000);

  it('loads and answers with no NODE_PATH: the AWS SDK is in the bundle, nothing comes from the repository', async () => {
    const outcome = await invoke('buffered', ['health-live.json'], {});

    expect(outcome.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(outcome.results.map((result) => result.statusCode)).toEqual([200]);
  }, 60_000);

  it.each(['buffered', 'streaming'] as const)(
    'answers every events/ file as expected (%s Function URL)',
    async (mode) => {
      const outcome = await invoke(mode, eventFiles);

      expect(outcome.node).toMatch(new RegExp(`^v${LAMBDA_NODE_MAJOR}\\.`));
      expect(outcome.streaming).toBe(String(mode === 'streaming'));
      expect(outcome.results).toHaveLength(eventFiles.length);
      eventFiles.forEach((file, index) => {
        const result = outcome.results[index] as FunctionResult;
        const expected = EXPECTED[file] as (typeof EXPECTED)[string];
        expect({ file, status: result.statusCode, body: bodyOf(result) }).toEqual({
          file,
          status: expected.status,
          body: expect.objectContaining(expected.body),
        });
        expect(result.headers?.['x-correlation-id']).toEqual(expect.any(String));
      });
      // The cold start is measured once, on the first invocation of the container.
      expect(outcome.stdout.match(/"ColdStart":1/g)).toHaveLength(1);
    },
    90_000,
  );

  it('exports a handler wrapped with streamifyResponse exactly when the stack sets RESPONSE_STREAM', () => {
    expect(functionEnv.streaming.GATEWAY_INVOKE_MODE).toBe('RESPONSE_STREAM');
    expect(functionEnv.buffered.GATEWAY_INVOKE_MODE).not.toBe('RESPONSE_STREAM');
  });
});

/** A copy of the asset whose compiled route table is `edit`ed (text in, text out). */
const assetWithTable = (name: string, edit: (text: string) => string): string => {
  const dir = join(work, name, 'var', 'task');
  cpSync(taskDir, dir, { recursive: true });
  const file = join(dir, 'config', 'gateway.json');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
};

/** The table's JSON with `change` applied to its config, its digest recomputed or not. */
const changedTable =
  (change: (config: { routes: Record<string, unknown>[] }) => void, redigest: boolean) =>
  (text: string): string => {
    const table = JSON.parse(text) as {
      sha256: string;
      config: { routes: Record<string, unknown>[] };
    };
    change(table.config);
    if (redigest) table.sha256 = routeTableDigest(table.config);
    return JSON.stringify(table);
  };

describe('Infra: the asset refuses a route table that is not the one cdk synth compiled', () => {
  it.each([
    [
      'edited after the synth (its digest no longer matches)',
      changedTable((config) => {
        (config.routes[0] as Record<string, unknown>).upstream = 'http://127.0.0.1:9/elsewhere';
      }, false),
      /changed after cdk synth checked it/,
    ],
    [
      'with a field of the wrong type (digest recomputed)',
      changedTable((config) => {
        (config.routes[0] as Record<string, unknown>).timeout_ms = 'soon';
      }, true),
      /routes\[[^\]]+\]\.timeout_ms: expected number, found "soon"/,
    ],
    ['that is not JSON', (text: string) => text.slice(0, 40), /not JSON/],
    [
      'of another format',
      (text: string) => text.replace('gateway-route-table/1', 'gateway-route-table/0'),
      /not a compiled route table of format gateway-route-table\/1/,
    ],
  ])(
    'fails the init, naming the file and the problem, for a table %s',
    async (name, edit, problem) => {
      const dir = assetWithTable(`bad-${name.split(' ')[0]}-${name.length}`, edit);

      const outcome = await invoke('buffered', ['health-live.json'], {
        nodePath: runtimeNodePath,
        taskDir: dir,
      });

      expect(outcome.results).toHaveLength(0);
      expect(outcome.stderr).toContain('Invalid gateway config config/gateway.json');
      expect(outcome.stderr).toMatch(problem);
    },
    60_000,
  );

  it('serves config/examples/production.yml compiled at synth, its upstreams from the environment', async () => {
    // Compiled as `cdk synth -c gatewayConfigPath=... -c upstreamEnvironment=...` does; the
    // function then expands ${CATALOG_URL} and ${ORDERS_URL} from its own environment.
    const table = compiledRouteTableFile('config/examples/production.yml', {
      CATALOG_URL: 'https://catalog.internal.example.com',
      ORDERS_URL: 'https://orders.internal.example.com',
    });
    const dir = assetWithTable('production', () => readFileSync(table, 'utf8'));
    const catalog = join(work, 'production-catalog.json');
    writeFileSync(catalog, JSON.stringify(functionUrlEvent({ path: '/catalog/items/7' })));
    const orders = join(work, 'production-orders.json');
    writeFileSync(orders, JSON.stringify(functionUrlEvent({ path: '/orders/7' })));

    const outcome = await invoke('buffered', [catalog, orders], {
      nodePath: runtimeNodePath,
      taskDir: dir,
      env: { CATALOG_URL: `${demo.url}/public/echo`, ORDERS_URL: `${demo.url}/public/echo` },
    });

    expect(outcome.results.map((result) => result.statusCode)).toEqual([200, 401]);
    expect(bodyOf(outcome.results[0] as FunctionResult)).toMatchObject({
      method: 'GET',
      path: '/public/echo/catalog/items/7',
    });
  }, 60_000);
});

/** X-Ray documents as the daemon receives them: a JSON header line, then the (sub)segment. */
const xrayDaemon = async () => {
  const socket: Socket = createSocket('udp4');
  const documents: Record<string, unknown>[] = [];
  socket.on('message', (message) => {
    const [, body] = message.toString('utf8').split('\n');
    if (body) documents.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    documents,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
};

describe('Infra: the asset with tracing=active, as Lambda runs it with a sampled trace', () => {
  it('sends the handler, DynamoDB, Redis and upstream calls as subsegments of the invocation trace', async () => {
    const env = JSON.parse(readFileSync(join(EVENTS, 'env.json'), 'utf8')) as {
      Parameters: Record<string, string>;
    };
    const table = env.Parameters.SESSION_TABLE ?? 'gateway-sessions';
    await createSessionTable(dynamo.endpoint, table);
    // The test's own writer (dynalite checks no credentials, but the SDK wants some).
    Object.assign(process.env, LOCAL_AWS_ENV);
    const admin = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
    const { token } = await new SessionAdmin(
      admin,
      table,
      new SessionSigner([env.Parameters.SESSION_SECRET ?? '']),
    ).create({ userId: 'traced-user', roles: ['reader'], ttlSeconds: 600 });
    admin.destroy();
    const eventFile = join(work, 'traced-users.json');
    writeFileSync(
      eventFile,
      JSON.stringify(
        functionUrlEvent({ path: '/api/users/7', cookies: [`session_token=${token}`] }),
      ),
    );
    const echoFile = join(work, 'traced-echo.json');
    writeFileSync(
      echoFile,
      JSON.stringify(
        functionUrlEvent({
          path: '/demo/echo/trace',
          headers: { 'x-amzn-trace-id': 'Root=1-00000000-000000000000000000000000;Sampled=1' },
        }),
      ),
    );
    const daemon = await xrayDaemon();
    const traceId = '1-67a1b2c3-0123456789abcdef01234567';
    try {
      const outcome = await invoke('traced', [eventFile, echoFile], {
        nodePath: runtimeNodePath,
        env: {
          AWS_XRAY_DAEMON_ADDRESS: daemon.address,
          _X_AMZN_TRACE_ID: `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`,
        },
      });
      expect(functionEnv.traced.GATEWAY_TRACING).toBe('active');
      expect(outcome.results.map((result) => result.statusCode)).toEqual([200, 200]);
      // The upstream gets one trace header, the gateway's, never the one the client sent.
      const echoed = bodyOf(outcome.results[1] as FunctionResult) as {
        headers: Record<string, string>;
      };
      expect(echoed.headers['x-amzn-trace-id']).toMatch(
        new RegExp(`^Root=${traceId};Parent=[0-9a-f]{16};Sampled=1$`),
      );
      // UDP on loopback is delivered by the time the child has exited; a short grace all the same.
      await new Promise((resolve) => setTimeout(resolve, 200));

      const names = daemon.documents.map((document) => document.name);
      expect(names).toEqual(
        expect.arrayContaining(['## index.handler', 'DynamoDB', 'Redis', '127.0.0.1']),
      );
      for (const document of daemon.documents) expect(document.trace_id).toBe(traceId);
      const handler = daemon.documents.find((document) => document.name === '## index.handler');
      expect(handler?.annotations).toMatchObject({
        route: 'users',
        correlation_id: expect.any(String),
      });
      // Nothing of the response (cookies, user data) is recorded.
      expect(JSON.stringify(daemon.documents)).not.toContain(token);
      expect(JSON.stringify(handler)).not.toContain('index.handler response');
    } finally {
      await daemon.close();
    }
  }, 90_000);
});

describe('Infra: the AUTH token rotation asset, outside the repository, on Node.js 24', () => {
  it('loads as Lambda loads it, its AWS SDK clients from the runtime, and exports its handler', async () => {
    const { stdout, stderr } = await run(
      lambdaNode(),
      [INVOKE, rotationTaskDir, 'index.mjs', 'handler'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_PATH: runtimeNodePath,
          AWS_REGION: 'us-east-1',
          REPLICATION_GROUP_ID: 'gateway-rate-limits',
          REDIS_HOST: '127.0.0.1',
          REDIS_PORT: '6379',
        },
        timeout: 60_000,
      },
    );
    recordChildOutput('bundle-asset-rotation', { stdout, stderr });

    expect(existsSync(join(rotationTaskDir, 'node_modules'))).toBe(false);
    expect(stdout).toMatch(new RegExp(`NODE v${LAMBDA_NODE_MAJOR}\\.`));
    expect(stdout).toContain('HANDLER function');
    expect(stdout).toContain('STREAMING false');
  }, 60_000);
});
