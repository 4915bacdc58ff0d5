import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createSessionTable,
  LOCAL_AWS_ENV,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../dev/local-dynamodb';
import {
  type FunctionUrlHandler,
  type LocalRoute,
  type LocalServer,
  startLocalServer,
} from '../../dev/local-server';
import type * as DevProviderModule from '../../dev/oidc-dev-provider';
import type { DevProvider } from '../../dev/oidc-dev-provider';
import type * as CreateGatewayModule from '../../functions/gateway/create-gateway';
import type { GatewayDependencies } from '../../functions/gateway/create-gateway';
import type * as LoggerModule from '../../functions/gateway/observability/logger';
import type * as RateLimitWiringModule from '../../functions/gateway/ratelimit/rate-limit-wiring';
import type { RedisClient } from '../../functions/gateway/ratelimit/redis-client';
import type * as DynamoDbSessionStoreModule from '../../functions/gateway/sessions/dynamodb-session-store';
import type { WireOptions } from '../../functions/gateway/wiring';
import { captureOutput } from './capture-output';
import { type FakeSecretsManager, startFakeSecretsManager } from './fake-secrets-manager';
import { type RawResponse, send } from './http-request';
import { freePort } from './login-client';
import type { RedisProcess } from './redis-process';
import type * as TestGatewayModule from './test-gateway';

/*
 * The gateway's modules are loaded when a server starts, not when this file is: several read
 * POWERTOOLS_* and other settings at load, as they do on Lambda, and the test sets them first.
 */
const CREATE_GATEWAY = '../../functions/gateway/create-gateway';
const LOGGER = '../../functions/gateway/observability/logger';
const SESSION_STORE = '../../functions/gateway/sessions/dynamodb-session-store';
const TEST_GATEWAY = './test-gateway';

/**
 * The one way an integration test starts a gateway server: the way the product runs it, with
 * everything it started closed by one `close()`. See docs/development.md, "Integration tests".
 */

/** Anything a test starts that must be stopped: servers, upstreams, dynalite, Redis clients. */
export type Closable =
  | { close(): Promise<unknown> | unknown }
  | { stop(): Promise<unknown> | unknown }
  | { disconnect(): unknown }
  | { destroy(): unknown };

/** Registers what a test started to be closed with the server; returns it. */
export type Own = <T extends Closable>(resource: T) => T;

const closeOne = async (resource: Closable): Promise<void> => {
  // A node:http server: its kept-alive connections would hold it (and jest) open.
  if ('closeAllConnections' in resource && typeof resource.closeAllConnections === 'function')
    resource.closeAllConnections();
  if ('close' in resource) await resource.close();
  else if ('stop' in resource) await resource.stop();
  else if ('disconnect' in resource) resource.disconnect();
  else resource.destroy();
};

/** Closes in reverse order of start, every one even when another fails. */
const closeAll = async (resources: Closable[]): Promise<void> => {
  const errors: unknown[] = [];
  for (const resource of resources.splice(0).reverse()) {
    try {
      await closeOne(resource);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
};

export interface SessionTableServer extends LocalDynamoDb {
  /** A client for the test's own reads and writes, closed with the server. */
  readonly client: DynamoDBDocumentClient;
}

/** dynalite in this process with the sessions table the stack creates, and a client of it. */
export const startSessionTable = async (tableName: string): Promise<SessionTableServer> => {
  // The test's own clients find credentials here, as the wiring does (dynalite checks none).
  Object.assign(process.env, LOCAL_AWS_ENV);
  const dynamo = await startLocalDynamoDb();
  try {
    await createSessionTable(dynamo.endpoint, tableName);
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  const { createDocumentClient } =
    jest.requireActual<typeof DynamoDbSessionStoreModule>(SESSION_STORE);
  const client = createDocumentClient({ endpoint: dynamo.endpoint, region: 'local' });
  return {
    endpoint: dynamo.endpoint,
    client,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
};

/** The ports of the real middy chain; by default a recording upstream, the production logger and EMF. */
export type GatewayParts = Partial<GatewayDependencies> & Pick<GatewayDependencies, 'config'>;

export interface GatewayServerOptions {
  /**
   * As `npm start` and Lambda: the YAML route table written to the file `GATEWAY_CONFIG` names,
   * `env` set while `wireGatewayFromEnv` reads it, the process's logger and metrics.
   */
  readonly routeTable?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Settings the wiring must not see, though the test process has them (`SESSION_SECRET`). */
  readonly unset?: readonly string[];
  readonly wire?: WireOptions;
  /**
   * Instead of `routeTable`: `createGateway` with these ports, the production logger options; a
   * function when a port needs what the helper started (the sessions table's endpoint).
   */
  readonly parts?:
    | GatewayParts
    | ((started: {
        dynamo?: SessionTableServer;
        own: Own;
      }) => GatewayParts | Promise<GatewayParts>);
  /** Instead of both: a handler built by the test (a wrapped or deliberately broken one). */
  readonly handler?: FunctionUrlHandler;
  /** A sessions table in dynalite: its endpoint and name are added to `env`. */
  readonly sessionTable?: string;
  /** The login's own secrets (`auth.oidc`): the client secret and, unless given, a fresh token key. */
  readonly login?: { readonly clientSecret: string; readonly tokenKey?: string };
  /** 0 picks a free port; a fixed one when another party must know the URL first (a provider). */
  readonly port?: number;
  readonly host?: string;
  /** How `url` names the host: `localhost` where a browser's cookies and a provider's origins see it. */
  readonly urlHost?: string;
  readonly localRoute?: LocalRoute;
}

export interface GatewayServer {
  readonly url: string;
  readonly server: LocalServer;
  /** The dynalite the server's sessions live in (`sessionTable`), else undefined. */
  readonly dynamo: SessionTableServer | undefined;
  /** A client of that dynalite for the test's own reads and writes, closed with the server. */
  sessionClient(): DynamoDBDocumentClient;
  /** Registers something the test started, to be closed with the server; returns it. */
  own<T extends Closable>(resource: T): T;
  /** GET `path`: the answer and how long it took, in ms. */
  timed(path: string): Promise<RawResponse & { ms: number }>;
  /** GET `path` every 200 ms until `done` holds or `withinMs` has passed: the last answer. */
  poll(
    path: string,
    done: (response: RawResponse) => boolean,
    withinMs: number,
  ): Promise<RawResponse>;
  close(): Promise<void>;
}

const requests = (url: () => string) => ({
  timed: async (path: string): Promise<RawResponse & { ms: number }> => {
    const started = performance.now();
    const response = await send(url(), { path });
    return { ...response, ms: performance.now() - started };
  },
  poll: async (
    path: string,
    done: (response: RawResponse) => boolean,
    withinMs: number,
  ): Promise<RawResponse> => {
    const deadline = performance.now() + withinMs;
    let response = await send(url(), { path });
    while (!done(response) && performance.now() < deadline) {
      await sleep(200);
      response = await send(url(), { path });
    }
    return response;
  },
});

const RATE_LIMIT_WIRING = '../../functions/gateway/ratelimit/rate-limit-wiring';

/** Watches the real wiring for the Redis clients it opens: they are out of the test's reach. */
const watchRedisClients = (clients: Closable[]): void => {
  jest.doMock(RATE_LIMIT_WIRING, () => {
    const actual = jest.requireActual<typeof RateLimitWiringModule>(RATE_LIMIT_WIRING);
    return {
      ...actual,
      wireRateLimiter: (...args: Parameters<typeof actual.wireRateLimiter>) => {
        const wiring = actual.wireRateLimiter(...args);
        const client: RedisClient | undefined = wiring.client;
        if (client) clients.push(client);
        return wiring;
      },
    };
  });
};

/** A logger with the options of the function's own (redaction included), level from the environment. */
export const productionLogger = (): Logger =>
  new Logger(jest.requireActual<typeof LoggerModule>(LOGGER).loggerOptions);

const fromEnvironment = async (
  routeTable: string,
  env: Readonly<Record<string, string>>,
  unset: readonly string[],
  wire: WireOptions | undefined,
  owned: Closable[],
): Promise<FunctionUrlHandler> => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  owned.push({ close: () => rmSync(dir, { recursive: true, force: true }) });
  const configPath = join(dir, 'gateway.yml');
  writeFileSync(configPath, routeTable);
  watchRedisClients(owned);
  const previous = { ...process.env };
  for (const name of unset) delete process.env[name];
  Object.assign(process.env, env, { GATEWAY_CONFIG: configPath });
  try {
    // Imported after the environment is set, as dev/start.ts does.
    const { wireGatewayFromEnv } = await import('../../functions/gateway/wiring');
    return (await wireGatewayFromEnv(wire)) as FunctionUrlHandler;
  } finally {
    process.env = previous;
  }
};

/** Starts a gateway server; `close()` stops it and everything it (or `own`) started. */
export const startGatewayServer = async (options: GatewayServerOptions): Promise<GatewayServer> => {
  const owned: Closable[] = [];
  try {
    let env = options.env ?? {};
    let table: SessionTableServer | undefined;
    if (options.sessionTable) {
      table = await startSessionTable(options.sessionTable);
      owned.push(table);
      env = {
        ...LOCAL_AWS_ENV,
        SESSION_TABLE: options.sessionTable,
        DYNAMODB_ENDPOINT: table.endpoint,
        ...env,
      };
    }
    if (options.login)
      env = {
        OIDC_CLIENT_SECRET: options.login.clientSecret,
        OIDC_TOKEN_KEY: options.login.tokenKey ?? randomBytes(32).toString('base64'),
        ...env,
      };
    let handler: FunctionUrlHandler;
    if (options.handler) handler = options.handler;
    else if (options.parts) {
      const own: Own = (resource) => {
        owned.push(resource);
        return resource;
      };
      const parts =
        typeof options.parts === 'function'
          ? await options.parts({ dynamo: table, own })
          : options.parts;
      const { createGateway } = jest.requireActual<typeof CreateGatewayModule>(CREATE_GATEWAY);
      const { recordingUpstream } = jest.requireActual<typeof TestGatewayModule>(TEST_GATEWAY);
      handler = createGateway({
        upstream: recordingUpstream(),
        metrics: new Metrics({ namespace: 'Gateway', serviceName: 'gateway' }),
        ...parts,
        logger: parts.logger ?? productionLogger(),
      }) as unknown as FunctionUrlHandler;
    } else if (options.routeTable !== undefined)
      handler = await fromEnvironment(
        options.routeTable,
        env,
        options.unset ?? [],
        options.wire,
        owned,
      );
    else throw new Error('startGatewayServer needs a routeTable, parts or a handler');
    const server = await startLocalServer(
      handler,
      options.port ?? 0,
      options.host ?? '127.0.0.1',
      options.localRoute,
    );
    const url = options.urlHost
      ? `http://${options.urlHost}:${new URL(server.url).port}`
      : server.url;
    return {
      url,
      server,
      dynamo: table,
      sessionClient: () => {
        if (!table) throw new Error('no sessionTable: there is no dynalite to talk to');
        return table.client;
      },
      own: (resource) => {
        owned.push(resource);
        return resource;
      },
      ...requests(() => url),
      // The server first, so nothing it still serves loses a dependency; then the rest, newest first.
      close: () => closeAll([...owned.splice(0), server]),
    };
  } catch (error) {
    await closeAll(owned).catch(() => undefined);
    throw error;
  }
};

/** The output a test's gateway wrote while the current test ran. */
export interface CapturedOutput {
  text(): string;
  /** Every JSON line. */
  json(): Record<string, unknown>[];
  /** The Powertools log lines (they have a `level`). */
  logs(): Record<string, unknown>[];
  /** The EMF documents (they have an `_aws` member): the metrics as CloudWatch receives them. */
  emf(): Record<string, unknown>[];
  /** The log lines with this message. */
  logLines(message: string): Record<string, unknown>[];
  /** The EMF documents that carry this metric. */
  emfWith(metric: string): Record<string, unknown>[];
}

/** One capture per test however many servers a file starts: a second spy would take the first's output. */
const capturing: { current?: ReturnType<typeof captureOutput>; users: number } = { users: 0 };

const capturedOutput = (current: () => ReturnType<typeof captureOutput>): CapturedOutput => {
  const json = () => current().json();
  const emf = () => json().filter((line) => typeof line._aws === 'object');
  return {
    text: () => current().text(),
    json,
    logs: () => json().filter((line) => typeof line.level === 'string'),
    emf,
    logLines: (message) => json().filter((line) => line.message === message),
    emfWith: (metric) => emf().filter((doc) => metric in doc),
  };
};

/** What `useGatewayServer` gives a test file: the server of the current file, and its output. */
export interface UsedGatewayServer extends Omit<GatewayServer, 'close'> {
  readonly output: CapturedOutput;
}

/**
 * The jest lifecycle of a suite's gateway: `setup` (given `own`, to register what it starts first:
 * upstreams, providers, clients) returns the server's options in `beforeAll`; `afterAll` closes
 * everything; each test's stdout and stderr are captured (`output`), kept off the report but not
 * off the secret scan. Read the fields inside tests, not at the top of the file.
 */
export const useGatewayServer = (
  setup: (own: Own) => Promise<GatewayServerOptions>,
  timeoutMs = 30_000,
): UsedGatewayServer => {
  let gateway: GatewayServer | undefined;
  const early: Closable[] = [];
  const started = (): GatewayServer => {
    if (!gateway) throw new Error('the gateway server is not started (read it inside a test)');
    return gateway;
  };
  beforeAll(async () => {
    const own = <T extends Closable>(resource: T): T => {
      early.push(resource);
      return resource;
    };
    try {
      gateway = await startGatewayServer(await setup(own));
    } catch (error) {
      await closeAll(early).catch(() => undefined);
      throw error;
    }
    // What setup started stops after the server (closeAll runs in reverse).
    const server = gateway;
    const first = [...early];
    early.length = 0;
    gateway = { ...server, close: async () => closeAll([...first, server]) };
  }, timeoutMs);
  afterAll(async () => {
    await gateway?.close();
    gateway = undefined;
  }, timeoutMs);
  beforeEach(() => {
    if (capturing.users === 0) capturing.current = captureOutput();
    capturing.users += 1;
  });
  afterEach(() => {
    capturing.users -= 1;
    if (capturing.users === 0) capturing.current?.restore();
  });
  return {
    get url() {
      return started().url;
    },
    get server() {
      return started().server;
    },
    get dynamo() {
      return started().dynamo;
    },
    sessionClient: () => started().sessionClient(),
    own: (resource) => started().own(resource),
    ...requests(() => started().url),
    output: capturedOutput(() => {
      if (!capturing.current) throw new Error('output is captured inside tests only');
      return capturing.current;
    }),
  };
};

/**
 * The development OpenID provider for a gateway still to start: a free port is picked for the
 * gateway first, because the provider must know the callback origin (`http://localhost:<port>`).
 * Start the gateway with `port` and `urlHost: 'localhost'`.
 */
export const startLoginProvider = async (
  own: Own,
  clientId: string,
  clientSecret: string,
): Promise<{ provider: DevProvider; port: number }> => {
  const port = await freePort();
  // Loaded here: oidc-provider is large, and most suites have no login.
  const { startDevProvider } = jest.requireActual<typeof DevProviderModule>(
    '../../dev/oidc-dev-provider',
  );
  const provider = own(
    await startDevProvider({
      port: 0,
      clientId,
      clientSecret,
      gatewayOrigins: [`http://localhost:${port}`],
    }),
  );
  return { provider, port };
};

/**
 * A private redis-server (`redis`, not yet started) whose AUTH token is kept in a Secrets Manager
 * fake, and the gateway settings whose wiring reads it at init as Lambda does (`loadGatewaySecrets`). The AWS
 * settings stay in `process.env` until teardown: the SDK reads credentials when it first signs.
 */
export const startRedisWithSecretAuth = async (
  own: Own,
  options: {
    readonly redis: RedisProcess;
    readonly secretId: string;
    readonly token: string;
    readonly refreshMs: number;
    readonly awsEnv: Readonly<Record<string, string>>;
  },
): Promise<{ secretsManager: FakeSecretsManager; env: Record<string, string> }> => {
  const saved = { ...process.env };
  own({ close: () => (process.env = saved) });
  Object.assign(process.env, options.awsEnv);
  await own(options.redis).start(undefined, [], options.token);
  const secretsManager = own(await startFakeSecretsManager());
  secretsManager.set(options.secretId, options.token);
  const env: Record<string, string | undefined> = {
    ...options.awsEnv,
    REDIS_URL: `redis://127.0.0.1:${options.redis.port}`,
    REDIS_AUTH_SECRET_ARN: options.secretId,
    REDIS_AUTH_REFRESH_INTERVAL_MS: String(options.refreshMs),
    REDIS_COMMAND_TIMEOUT_MS: '100',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
  };
  return { secretsManager, env: env as Record<string, string> };
};

const ROOT = join(__dirname, '..', '..');

/** The settings a developer's shell may carry that would point `npm start` elsewhere. */
const SHELL_SETTINGS = [
  'AWS_REGION',
  'AWS_PROFILE',
  'REDIS_URL',
  'REDIS_HOST',
  'DEMO_UPSTREAM_URL',
  'GATEWAY_INVOKE_MODE',
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'COOKIE_SECURE',
  'COOKIE_DOMAIN',
  'DYNAMODB_ENDPOINT',
  'GATEWAY_SESSIONS',
  'GATEWAY_DATA_DIR',
  'GATEWAY_LOCAL_LOGS',
  'POWERTOOLS_DEV',
] as const;

export interface NpmStartProcess {
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `npm start` (`tsx dev/start.ts`) as its own process, on embedded defaults plus `env`; resolves
 * once it says it listens. `stop()` sends SIGTERM to that process only. Sessions are kept in
 * memory and the development OpenID provider takes a free port unless `env` says otherwise: test
 * processes run side by side, and the data folder is one process's at a time.
 */
export const spawnNpmStart = async (
  env: Readonly<Record<string, string>>,
): Promise<NpmStartProcess> => {
  const inherited: Record<string, string | undefined> = { ...process.env };
  for (const name of SHELL_SETTINGS) delete inherited[name];
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'dev', 'start.ts')],
    {
      cwd: ROOT,
      env: {
        ...inherited,
        ...(env.DYNAMODB_ENDPOINT ? {} : { GATEWAY_SESSIONS: 'memory' }),
        OIDC_PORT: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('The gateway is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
};

/**
 * The jest lifecycle of `npm start` as a process: `setup` (given `own`, for what it starts first:
 * a private redis-server, a certificate folder) returns the process's environment in `beforeAll`;
 * `afterAll` stops the process, then everything `own` registered.
 */
export const useNpmStart = (
  setup: (own: Own) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>,
  timeoutMs = 40_000,
): { output(): string } => {
  let started: NpmStartProcess | undefined;
  const owned: Closable[] = [];
  beforeAll(async () => {
    const own: Own = (resource) => {
      owned.push(resource);
      return resource;
    };
    started = await spawnNpmStart(await setup(own));
  }, timeoutMs);
  afterAll(async () => {
    await closeAll([...owned, ...(started ? [started] : [])]);
  }, timeoutMs);
  return {
    output: () => {
      if (!started) throw new Error('npm start is not running (read it inside a test)');
      return started.output();
    },
  };
};
