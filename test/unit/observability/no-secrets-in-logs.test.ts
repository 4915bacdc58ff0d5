import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { memorySessionStore } from '../../helpers/memory-session-store';
import { configFrom, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const SECRET = 'no-secrets-test-secret-0123456789abcdef-xyz';

describe('Observability: no credential reaches the logs', () => {
  it('keeps the session cookie, Authorization and a token query parameter out of every line, at debug level', async () => {
    // Prepare: a valid session, a request carrying all three, a failing upstream so error paths log too.
    const output = captureOutput();
    const signer = new SessionSigner([SECRET]);
    const store = memorySessionStore();
    const sessionId = SessionSigner.newSessionId();
    const now = Math.floor(Date.now() / 1000);
    store.records.set(sessionId, {
      sessionId,
      userId: 'u-1',
      roles: [],
      permissions: [],
      createdAt: now,
      expiresAt: now + 60,
      revoked: false,
    });
    const sessionToken = signer.sign(sessionId);
    const authorization = 'Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const queryToken = 'QT-9f8e7d6c5b4a';
    const config = configFrom(`
routes:
  - { path: "/api/*", methods: [GET], upstream: "http://svc" }
`);
    const upstream = recordingUpstream(() => {
      // As a client library would: the failing URL, query and all, in the message.
      throw new Error(
        `GET http://svc/api/things?token=${queryToken}&page=2 failed (${authorization})`,
      );
    });
    const gateway = testGateway({ config, upstream, sessions: { signer, store } });

    // Act
    try {
      await gateway(
        functionUrlEvent({
          path: '/api/things',
          query: `token=${queryToken}&page=2`,
          cookies: [`session_token=${sessionToken}`, 'theme=dark'],
          headers: { authorization, 'x-api-key': 'key-material-123' },
        }),
      );
    } finally {
      output.restore();
    }

    // Assess: the request was logged (debug included) and the values are nowhere.
    const text = output.text();
    expect(text).toContain('request received');
    expect(text).toContain('request failed');
    for (const secret of [
      sessionToken,
      sessionId,
      authorization,
      'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      queryToken,
      'key-material-123',
      SECRET,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('page=2');
  });
});
