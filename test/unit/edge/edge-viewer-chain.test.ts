import {
  clientAddressFromEnv,
  viewerAddress,
} from '../../../functions/gateway/http/client-address';
import type { RateLimiter } from '../../../functions/gateway/ratelimit/rate-limiter';
import { captureOutput } from '../../helpers/capture-output';
import { functionUrlEvent } from '../../helpers/function-url-event';
import { unusedTakeAll } from '../../helpers/single-limit-only';
import { configFrom, recordingUpstream, testGateway } from '../../helpers/test-gateway';

/**
 * The client's address and Authorization header as the gateway sees them behind CloudFront (the URL
 * is AWS_IAM with origin access control, so only CloudFront reaches it) and when called directly.
 * Through the real middy chain: the limiter's key and the upstream request are what a user's
 * request ends up as.
 */

const config = configFrom(`
routes:
  - { id: api, path: /api, methods: [GET, POST], upstream: "http://svc", auth_required: false, rate_limit: { capacity: 1, refill_per_second: 0.001, scope: ip } }
`);

const EDGE_A = '130.176.10.1';
const EDGE_B = '64.252.70.2';
const VIEWER = '198.51.100.20';
const OAC_SIGNATURE =
  'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261130/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

const recordingLimiter = () => {
  const keys: string[] = [];
  const limiter: RateLimiter = {
    dependency: 'redis',
    takeAll: unusedTakeAll,
    async take(key, bucket) {
      keys.push(key);
      return { allowed: true, remaining: bucket.capacity - 1, resetMs: 1000, retryAfterMs: 0 };
    },
  };
  return { keys, limiter };
};

/** A request as CloudFront delivers it to the URL: from an edge address, signed by OAC. */
const throughCloudFront = (edgeIp: string, headers: Record<string, string> = {}) =>
  functionUrlEvent({
    path: '/api',
    sourceIp: edgeIp,
    headers: {
      'cloudfront-viewer-address': `${VIEWER}:46532`,
      'x-forwarded-for': `${VIEWER}, ${edgeIp}`,
      authorization: OAC_SIGNATURE,
      'x-amz-date': '20261130T010000Z',
      'x-amz-security-token': 'cloudfront-session-token',
      ...headers,
    },
  });

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('Middleware: edgeViewer behind CloudFront (GATEWAY_CLIENT_ADDRESS=cloudfront-viewer-address)', () => {
  const behindCloudFront = clientAddressFromEnv({
    GATEWAY_CLIENT_ADDRESS: 'cloudfront-viewer-address',
  });

  it('keys an ip-scoped limit on the viewer, so one client through two edges shares one bucket', async () => {
    const gateway = testGateway({ config, clientAddress: behindCloudFront });

    const first = await gateway(throughCloudFront(EDGE_A));
    const second = await gateway(throughCloudFront(EDGE_B));

    expect([first.statusCode, second.statusCode]).toEqual([200, 429]);
  });

  it('does not key clients behind one edge address together', async () => {
    const { keys, limiter } = recordingLimiter();
    const gateway = testGateway({ config, clientAddress: behindCloudFront, rateLimiter: limiter });

    await gateway(throughCloudFront(EDGE_A));
    await gateway(
      throughCloudFront(EDGE_A, {
        'cloudfront-viewer-address': '2406:2d40:728d:fa10::c4a:42838',
        'x-forwarded-for': `2406:2d40:728d:fa10::c4a, ${EDGE_A}`,
      }),
    );

    expect(keys).toEqual([
      `rl:ip:{${VIEWER}}:route:api`,
      `rl:ip:{${encodeURIComponent('2406:2d40:728d:fa10::c4a')}}:route:api`,
    ]);
  });

  it('ends X-Forwarded-For with the viewer, not the edge', async () => {
    const upstream = recordingUpstream();
    const gateway = testGateway({ config, clientAddress: behindCloudFront, upstream });

    await gateway(
      throughCloudFront(EDGE_A, { 'x-forwarded-for': `10.0.0.7, ${VIEWER}, ${EDGE_A}` }),
    );

    expect(upstream.requests[0]?.headers['x-forwarded-for']).toBe(`10.0.0.7, ${VIEWER}`);
    expect(upstream.requests[0]?.headers['cloudfront-viewer-address']).toBeUndefined();
  });

  it("restores the viewer's Authorization upstream, never the OAC signature or its token", async () => {
    const upstream = recordingUpstream();
    const gateway = testGateway({ config, clientAddress: behindCloudFront, upstream });

    const result = await gateway(
      throughCloudFront(EDGE_A, { 'x-gateway-viewer-authorization': 'Bearer viewer-token' }),
    );

    expect(result.statusCode).toBe(200);
    const sent = upstream.requests[0]?.headers ?? {};
    expect(sent.authorization).toBe('Bearer viewer-token');
    expect(sent['x-gateway-viewer-authorization']).toBeUndefined();
    expect(sent['x-amz-security-token']).toBeUndefined();
    expect(sent['x-amz-date']).toBeUndefined();
  });

  it('sends no Authorization upstream when the viewer sent none (the OAC signature stays behind)', async () => {
    const upstream = recordingUpstream();
    const gateway = testGateway({ config, clientAddress: behindCloudFront, upstream });

    await gateway(throughCloudFront(EDGE_A));

    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('falls back to the request context address when the viewer address is unreadable', async () => {
    const { keys, limiter } = recordingLimiter();
    const gateway = testGateway({ config, clientAddress: behindCloudFront, rateLimiter: limiter });

    const result = await gateway(
      throughCloudFront(EDGE_A, { 'cloudfront-viewer-address': 'not-an-address' }),
    );

    expect(result.statusCode).toBe(200);
    expect(keys).toEqual([`rl:ip:{${EDGE_A}}:route:api`]);
  });
});

describe('Middleware: edgeViewer on a direct call (the default)', () => {
  const direct = clientAddressFromEnv({});

  it('ignores a spoofed CloudFront-Viewer-Address: rotating it does not escape the limit', async () => {
    const gateway = testGateway({ config, clientAddress: direct });

    const statuses = [];
    for (const spoofed of ['192.0.2.1:1', '192.0.2.2:1', '192.0.2.3:1']) {
      const event = functionUrlEvent({
        path: '/api',
        sourceIp: '203.0.113.50',
        headers: { 'cloudfront-viewer-address': spoofed },
      });
      statuses.push((await gateway(event)).statusCode);
    }

    expect(statuses).toEqual([200, 429, 429]);
  });

  it('never turns a forged viewer-authorization header into Authorization, and strips both headers', async () => {
    const upstream = recordingUpstream();
    const { keys, limiter } = recordingLimiter();
    const gateway = testGateway({ config, clientAddress: direct, upstream, rateLimiter: limiter });

    await gateway(
      functionUrlEvent({
        path: '/api',
        sourceIp: '203.0.113.50',
        headers: {
          authorization: 'Bearer mine',
          'x-gateway-viewer-authorization': 'Bearer forged',
          X_Gateway_Viewer_Authorization: 'Bearer forged',
          'cloudfront-viewer-address': '192.0.2.1:1',
          CloudFront_Viewer_Address: '192.0.2.1:1',
        },
      }),
    );

    const sent = upstream.requests[0]?.headers ?? {};
    expect(sent.authorization).toBe('Bearer mine');
    expect(Object.keys(sent).filter((name) => /viewer/i.test(name))).toEqual([]);
    expect(sent['x-forwarded-for']).toBe('203.0.113.50');
    expect(keys).toEqual(['rl:ip:{203.0.113.50}:route:api']);
  });
});

describe('clientAddressFromEnv', () => {
  it('refuses an unknown GATEWAY_CLIENT_ADDRESS, naming the allowed values', () => {
    expect(() => clientAddressFromEnv({ GATEWAY_CLIENT_ADDRESS: 'x-forwarded-for' })).toThrow(
      'GATEWAY_CLIENT_ADDRESS must be one of request-context, cloudfront-viewer-address, got "x-forwarded-for"',
    );
  });
});

describe('viewerAddress', () => {
  it.each([
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2406:2d40:728d:fa10::c4a:42838', '2406:2d40:728d:fa10::c4a'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['192.0.2.1:1, 198.51.100.10:46532', '198.51.100.10'],
    ['198.51.100.10', undefined],
    ['198.51.100.10:port', undefined],
    ['evil.example:443', undefined],
    [':443', undefined],
    ['', undefined],
  ])('reads %j as %j', (value, expected) => {
    expect(viewerAddress(value)).toBe(expected);
  });
});
