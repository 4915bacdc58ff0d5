import { Logger } from '@aws-lambda-powertools/logger';
import { BadGatewayError } from '../../../functions/gateway/http/errors';
import { loggerOptions } from '../../../functions/gateway/observability/logger';
import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { memorySessionStore } from '../../helpers/memory-session-store';
import { configFrom, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const signer = new SessionSigner(['access-log-test-secret-access-log-test-secret']);
const config = configFrom(`
routes:
  - { id: users, path: "/users/{id}", methods: [GET], upstream: "http://svc", permissions: [users:read] }
  - { id: open, path: /open, methods: [GET], upstream: "http://svc", auth_required: false }
roles:
  reader: [users:read]
`);

const setup = (upstream = recordingUpstream()) => {
  const store = memorySessionStore();
  const gateway = testGateway({ config, upstream, sessions: { signer, store } });
  const login = (roles: string[]): string => {
    const sessionId = SessionSigner.newSessionId();
    const now = Math.floor(Date.now() / 1000);
    store.records.set(sessionId, {
      sessionId,
      userId: 'user-7',
      roles,
      permissions: [],
      createdAt: now,
      expiresAt: now + 600,
      revoked: false,
    });
    return `session_token=${signer.sign(sessionId)}`;
  };
  return { gateway, login };
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

const accessLines = () => output.json().filter((line) => line.message === 'request');
const emfRequestDocuments = () =>
  output.json().filter((line) => line._aws !== undefined && line.Requests === 1);

describe('Access log: one line per request, reading what the other steps own', () => {
  it('shows the upstream time the proxy returned and the validated session', async () => {
    const { gateway, login } = setup();

    const result = await gateway(
      functionUrlEvent({ path: '/users/1', cookies: [login(['reader'])] }),
    );

    expect(result.statusCode).toBe(200);
    const [line] = accessLines();
    expect(line).toMatchObject({ route: 'users', status: 200, auth: 'ok', user_id: 'user-7' });
    expect(line?.upstream_ms).toEqual(expect.any(Number));
    expect(line).not.toHaveProperty('error_code');
    expect(emfRequestDocuments()).toHaveLength(1);
    expect(emfRequestDocuments()[0]?.UpstreamLatency).toEqual(expect.any(Number));
  });

  it('names a refusal by authorization in auth, error_code and reason, with no upstream time', async () => {
    const { gateway, login } = setup();

    const result = await gateway(functionUrlEvent({ path: '/users/1', cookies: [login([])] }));

    expect(result.statusCode).toBe(403);
    expect(accessLines()).toEqual([
      expect.objectContaining({
        status: 403,
        auth: 'missing_permission',
        error_code: 'forbidden',
        reason: 'missing_permission',
      }),
    ]);
    expect(accessLines()[0]).not.toHaveProperty('upstream_ms');
    expect(emfRequestDocuments()).toHaveLength(1);
  });

  it('keeps the upstream time of a failed exchange on its 502 line', async () => {
    const { gateway } = setup(
      recordingUpstream(() => {
        throw new BadGatewayError({ reason: 'upstream_reset', dependency: 'upstream' });
      }),
    );

    const result = await gateway(functionUrlEvent({ path: '/open' }));

    expect(result.statusCode).toBe(502);
    const [line] = accessLines();
    expect(line).toMatchObject({
      route: 'open',
      status: 502,
      auth: 'public',
      error_code: 'bad_gateway',
      reason: 'upstream_reset',
    });
    expect(line?.upstream_ms).toEqual(expect.any(Number));
  });

  it('writes the line for what came in at debug level only', async () => {
    const atLevel = (logLevel: 'DEBUG' | 'INFO') =>
      testGateway({ config, logger: new Logger({ ...loggerOptions, logLevel }) });

    await atLevel('INFO')(functionUrlEvent({ path: '/open' }));
    expect(output.json().filter((line) => line.message === 'request received')).toHaveLength(0);
    expect(accessLines()).toHaveLength(1);

    await atLevel('DEBUG')(functionUrlEvent({ path: '/open' }));
    expect(output.json().filter((line) => line.message === 'request received')).toHaveLength(1);
  });
});
