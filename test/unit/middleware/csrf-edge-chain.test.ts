import type { ClientAddressSource } from '../../../functions/gateway/http/client-address';
import { SessionSigner } from '../../../functions/gateway/sessions/session-signer';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { memorySessionStore } from '../../helpers/memory-session-store';
import { configFrom, jsonBody, recordingUpstream, testGateway } from '../../helpers/test-gateway';

const PUBLIC_ORIGIN = 'https://api.example.com';
const config = configFrom(`
routes:
  - { id: things, path: /things, methods: [POST], upstream: "http://svc", rate_limit: false }
`);

const gatewayBehind = (clientAddress: ClientAddressSource) => {
  const signer = new SessionSigner(['csrf-edge-chain-secret-0123456789abcdef']);
  const store = memorySessionStore();
  const sessionId = SessionSigner.newSessionId();
  const now = Math.floor(Date.now() / 1000);
  store.records.set(sessionId, {
    sessionId,
    userId: 'u1',
    roles: [],
    permissions: [],
    createdAt: now,
    expiresAt: now + 600,
    revoked: false,
  });
  const upstream = recordingUpstream();
  const gateway = testGateway({ config, sessions: { signer, store }, upstream, clientAddress });
  const post = (headers: Record<string, string>) =>
    gateway(
      functionUrlEvent({
        method: 'POST',
        path: '/things',
        headers,
        cookies: [`session_token=${signer.sign(sessionId)}`],
        body: '{}',
      }),
    );
  return { post, upstream };
};

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: csrf behind CloudFront', () => {
  it("takes the viewer's host CloudFront carried as the gateway's own origin", async () => {
    const { post, upstream } = gatewayBehind('cloudfront-viewer-address');

    const sameOrigin = await post({
      origin: PUBLIC_ORIGIN,
      'x-gateway-viewer-host': 'api.example.com',
    });
    const foreign = await post({
      origin: 'https://evil.example',
      'x-gateway-viewer-host': 'api.example.com',
    });

    expect(sameOrigin.statusCode).toBe(200);
    expect(foreign.statusCode).toBe(403);
    expect(jsonBody(foreign)).toMatchObject({ error: 'csrf_rejected' });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers['x-gateway-viewer-host']).toBeUndefined();
  });

  it('ignores the same header on a direct call, where any client could write it', async () => {
    const { post, upstream } = gatewayBehind('request-context');

    const forged = await post({
      origin: 'https://evil.example',
      'x-gateway-viewer-host': 'evil.example',
      'x-forwarded-host': 'evil.example',
    });

    expect(forged.statusCode).toBe(403);
    expect(upstream.requests).toHaveLength(0);
  });
});
