import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnNpmStart } from '../helpers/gateway-server';
import { recordChildOutput } from '../helpers/log-capture';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

/** The settings most AWS users' shells carry, which must not move `npm start` off its local store. */
const AMBIENT_AWS = { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'gateway-test-no-such-profile' };

/** `npm run session -- ...` as a user runs it in a second terminal. */
const session = async (env: Record<string, string>, ...args: string[]): Promise<string> => {
  const { AWS_REGION: _r, AWS_PROFILE: _p, DYNAMODB_ENDPOINT: _e, ...rest } = process.env;
  const result = await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      join(ROOT, 'scripts', 'session.ts'),
      ...args,
    ],
    { cwd: ROOT, env: { ...rest, ...env } },
  );
  recordChildOutput(`newcomer-session-${args[0]}`, { stderr: result.stderr });
  return result.stdout.trim();
};

const get = async (url: string, cookie?: string) => {
  const response = await fetch(url, cookie ? { headers: { cookie } } : {});
  return { status: response.status, text: await response.text() };
};

describe('Integration: npm start for a newcomer', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gateway-newcomer-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('stays on its local store with AWS_REGION and AWS_PROFILE in the shell', async () => {
    // Prepare
    const port = 27_080;
    const env = { ...AMBIENT_AWS, GATEWAY_PORT: String(port), DYNAMODB_PORT: String(port + 1) };
    const gateway = await spawnNpmStart(env);
    try {
      // Act: the quick start, with the same shell settings for the session command
      const cookie = await session(
        { ...AMBIENT_AWS, DYNAMODB_PORT: String(port + 1) },
        'create',
        '--user',
        'alice',
        '--roles',
        'reader',
        '--quiet',
      );
      const ready = await get(`http://127.0.0.1:${port}/health/ready`);
      const users = await get(`http://127.0.0.1:${port}/api/users/1`, `session_token=${cookie}`);

      // Assess
      expect(gateway.output()).toMatch(/sessions: +dynalite at http:\/\/127\.0\.0\.1:27081/);
      expect(gateway.output()).toContain('secret:       the development secret');
      expect(ready.status).toBe(200);
      expect(users.status).toBe(200);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('names the routes of a custom route file in its banner, with its cookie name and port', async () => {
    // Prepare
    const port = 27_082;
    const config = join(work, 'orders.yml');
    writeFileSync(
      config,
      `routes:
  - id: orders
    path: /orders/{id}
    methods: [GET]
    upstream: \${DEMO_UPSTREAM_URL}
    permissions: [orders:read]
  - id: catalog
    path: /catalog/*
    methods: [GET]
    upstream: \${DEMO_UPSTREAM_URL}/public
    strip_prefix: /catalog
    auth_required: false
roles:
  clerk: [orders:read]
sessions:
  cookie_name: sid
`,
    );

    // Act
    const gateway = await spawnNpmStart({
      GATEWAY_CONFIG: config,
      GATEWAY_PORT: String(port),
      DYNAMODB_PORT: String(port + 1),
    });
    await gateway.stop();

    // Assess
    const banner = gateway.output();
    expect(banner).toMatch(/GET +\/orders\/\{id\} +orders +session, orders:read/);
    expect(banner).toMatch(/GET +\/catalog\/\* +catalog +public/);
    expect(banner).toContain(`curl -i http://127.0.0.1:${port}/catalog/hello`);
    expect(banner).toContain(
      `COOKIE=$(DYNAMODB_PORT=${port + 1} npm run -s session -- create --user alice --roles clerk --quiet)`,
    );
    expect(banner).toContain(`curl -i --cookie "sid=$COOKIE" http://127.0.0.1:${port}/orders/1`);
    expect(banner).not.toContain('/demo/hello');
    expect(banner).not.toContain('/api/users');
  }, 60_000);

  it('keeps sessions across a restart in its data folder', async () => {
    // Prepare
    const port = 27_084;
    const env = {
      GATEWAY_PORT: String(port),
      DYNAMODB_PORT: String(port + 1),
      GATEWAY_SESSIONS: 'local',
      GATEWAY_DATA_DIR: join(work, 'data'),
    };
    const first = await spawnNpmStart(env);
    let cookie: string;
    try {
      cookie = await session(
        { DYNAMODB_PORT: String(port + 1) },
        'create',
        '--user',
        'bob',
        '--roles',
        'reader',
        '--quiet',
      );
    } finally {
      await first.stop();
    }

    // Act
    const second = await spawnNpmStart(env);
    try {
      const users = await get(`http://127.0.0.1:${port}/api/users/1`, `session_token=${cookie}`);

      // Assess
      expect(second.output()).toContain(`kept in ${join(work, 'data')}`);
      expect(users.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 90_000);

  it('prints one short line per request on a terminal, cold start marked on the first', async () => {
    // Prepare: GATEWAY_LOCAL_LOGS=compact is what a terminal gets
    const port = 27_086;
    const gateway = await spawnNpmStart({
      GATEWAY_PORT: String(port),
      DYNAMODB_PORT: String(port + 1),
      GATEWAY_LOCAL_LOGS: 'compact',
    });
    try {
      // Act
      await get(`http://127.0.0.1:${port}/api/users/1`);
      await get(`http://127.0.0.1:${port}/demo/hello`);
      await new Promise((resolve) => setTimeout(resolve, 300));

      // Assess
      const lines = gateway
        .output()
        .split('\n')
        .filter((line) => / GET \//.test(line));
      expect(lines).toEqual([
        expect.stringMatching(
          /^\d\d:\d\d:\d\d\.\d{3} GET \/api\/users\/1 401 [\d.]+ms route=users error_code=unauthenticated reason=missing_cookie cid=[\w-]+ \(cold start\)$/,
        ),
        expect.stringMatching(
          /^\d\d:\d\d:\d\d\.\d{3} GET \/demo\/hello 200 [\d.]+ms route=demo cid=[\w-]+$/,
        ),
      ]);
      expect(gateway.output()).not.toContain('"level"');
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('writes the JSON Lambda writes when not on a terminal: one entry per 4xx, cold_start on the first', async () => {
    // Prepare
    const port = 27_088;
    const gateway = await spawnNpmStart({
      GATEWAY_PORT: String(port),
      DYNAMODB_PORT: String(port + 1),
    });
    try {
      // Act
      await get(`http://127.0.0.1:${port}/api/users/1`);
      await get(`http://127.0.0.1:${port}/nope`);
      await new Promise((resolve) => setTimeout(resolve, 300));

      // Assess
      const entries = gateway
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((entry) => entry.correlation_id !== undefined);
      expect(entries).toEqual([
        expect.objectContaining({
          message: 'request',
          path: '/api/users/1',
          status: 401,
          reason: 'missing_cookie',
          cold_start: true,
        }),
        expect.objectContaining({
          message: 'request',
          path: '/nope',
          status: 404,
          cold_start: false,
        }),
      ]);
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('gives a local DYNAMODB_ENDPOINT local region and credentials, whatever the shell says', async () => {
    // Prepare: a store of the user's own on this machine (here: another npm start's)
    const storePort = 27_091;
    const store = await spawnNpmStart({ GATEWAY_PORT: '27090', DYNAMODB_PORT: String(storePort) });
    const port = 27_092;
    try {
      const gateway = await spawnNpmStart({
        ...AMBIENT_AWS,
        GATEWAY_PORT: String(port),
        DYNAMODB_ENDPOINT: `http://127.0.0.1:${storePort}`,
      });
      try {
        // Act
        const ready = await get(`http://127.0.0.1:${port}/health/ready`);

        // Assess
        expect(gateway.output()).toContain(
          `sessions:     http://127.0.0.1:${storePort}, table gateway-sessions (DYNAMODB_ENDPOINT is set, on this machine`,
        );
        expect(ready).toEqual({
          status: 200,
          text: expect.stringContaining('"dynamodb":{"status":"up"'),
        });
      } finally {
        await gateway.stop();
      }
    } finally {
      await store.stop();
    }
  }, 90_000);
});
