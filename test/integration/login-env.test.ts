import { LOCAL_AWS_ENV } from '../../dev/local-dynamodb';
import { captureOutput } from '../helpers/capture-output';
import { startForgingProvider } from '../helpers/forging-provider';
import { startGatewayServer } from '../helpers/gateway-server';
import { Browser, setCookiesOf } from '../helpers/login-client';

/**
 * The login's cookie settings through the composed product: the environment ->
 * `wireGatewayFromEnv` -> the local server of `npm start`.
 */
const SESSION_SECRET = 'login-env-session-secret-0123456789abcdef';
const TOKEN_KEY = 'login-env-token-key-0123456789abcdefghijkl';

let provider: Awaited<ReturnType<typeof startForgingProvider>>;
let output: ReturnType<typeof captureOutput>;

const routeTable = (issuer: string): string => `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "http://127.0.0.1:9" }
auth:
  oidc: { issuer: "${issuer}", client_id: gateway-env }
`;

const baseEnv = {
  ...LOCAL_AWS_ENV,
  SESSION_SECRET,
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  OIDC_TOKEN_KEY: TOKEN_KEY,
};

beforeAll(async () => {
  provider = await startForgingProvider('gateway-env');
});
afterAll(() => provider?.close());
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Integration: login cookie settings from the environment', () => {
  it('refuses to start on Lambda with COOKIE_SECURE=false', async () => {
    await expect(
      startGatewayServer({
        routeTable: routeTable('https://id.example.com'),
        env: { ...baseEnv, COOKIE_SECURE: 'false', AWS_LAMBDA_FUNCTION_NAME: 'gateway' },
      }),
    ).rejects.toThrow('COOKIE_SECURE=false is for local http development and is refused on Lambda');
  });

  it('sets Domain from COOKIE_DOMAIN and drops Secure only for local http', async () => {
    const gateway = await startGatewayServer({
      routeTable: routeTable(provider.issuer),
      env: { ...baseEnv, COOKIE_SECURE: 'false', COOKIE_DOMAIN: 'example.test' },
      urlHost: 'localhost',
    });
    try {
      const start = await new Browser().request(`${gateway.url}/auth/login`);

      expect(start.status).toBe(302);
      const [flow] = setCookiesOf(start);
      expect(flow?.attributes.get('domain')).toBe('example.test');
      expect(flow?.attributes.has('secure')).toBe(false);
      expect(flow?.attributes.has('httponly')).toBe(true);
    } finally {
      await gateway.close();
    }
  });
});

describe('Integration: the login endpoints have a rate limit of their own', () => {
  const limited = (issuer: string, limit: string): string => `
routes:
  - { id: me, path: /me, methods: [GET], upstream: "http://127.0.0.1:9", auth_required: false, rate_limit: { capacity: 100, refill_per_second: 0.001, scope: ip } }
auth:
  oidc: { issuer: "${issuer}", client_id: gateway-env, rate_limit: ${limit} }
`;

  it("refuses a client past auth.oidc.rate_limit with 429, without touching the routes' buckets", async () => {
    const gateway = await startGatewayServer({
      routeTable: limited(provider.issuer, '{ capacity: 3, refill_per_second: 0.001, scope: ip }'),
      env: { ...baseEnv, COOKIE_SECURE: 'false' },
      urlHost: 'localhost',
    });
    try {
      const login = `${gateway.url}/auth/login`;
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await new Browser().request(login));

      expect(answers.map((answer) => answer.status)).toEqual([302, 302, 302, 429]);
      expect(answers[0]?.headers['ratelimit-limit']).toBe('3');
      expect(answers[3]?.headers['retry-after']).toEqual(expect.stringMatching(/^\d+$/));
      expect(answers[3]?.json()).toMatchObject({ error: 'rate_limited' });
      // The configured route's bucket is another one: still full.
      const me = await new Browser().request(`${gateway.server.url}/me`);
      expect(me.headers['ratelimit-remaining']).toBe('99');
    } finally {
      await gateway.close();
    }
  });

  it('takes rate_limit: false to turn it off', async () => {
    const gateway = await startGatewayServer({
      routeTable: limited(provider.issuer, 'false'),
      env: { ...baseEnv, COOKIE_SECURE: 'false' },
      urlHost: 'localhost',
    });
    try {
      const login = `${gateway.url}/auth/login`;
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push(await new Browser().request(login));

      expect(answers.map((answer) => answer.status)).toEqual([302, 302, 302, 302, 302]);
      expect(answers[0]?.headers['ratelimit-limit']).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });
});
