import { send } from '../helpers/http-request';
import { oneRequestRoute, useLimitedGateway } from '../helpers/limited-routes';

/**
 * `GATEWAY_CLIENT_ADDRESS=cloudfront-viewer-address`, as the stack sets it for `edge=cloudfront`,
 * through the environment -> wireGatewayFromEnv -> the local server of `npm start`, over real HTTP:
 * requests arrive as CloudFront sends them (viewer address header, OAC signature, the viewer's
 * Authorization moved aside by the viewer-request function).
 */

const { routeTable } = oneRequestRoute('edge');
const { gateway, upstream } = useLimitedGateway({
  routeTable,
  env: { GATEWAY_CLIENT_ADDRESS: 'cloudfront-viewer-address' },
});

const viaCloudFront = (viewer: string, viewerAuthorization?: string) =>
  send(gateway.server.url, {
    path: '/api',
    headers: {
      'cloudfront-viewer-address': `${viewer}:51234`,
      authorization: 'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/x, Signature=abc',
      'x-amz-security-token': 'cloudfront-session-token',
      ...(viewerAuthorization ? { 'x-gateway-viewer-authorization': viewerAuthorization } : {}),
    },
  });

describe('Integration: npm start behind CloudFront (GATEWAY_CLIENT_ADDRESS)', () => {
  it("gives each viewer its own ip bucket and hands the upstream the viewer's address and Authorization", async () => {
    const first = await viaCloudFront('198.51.100.31', 'Bearer viewer-one');
    const again = await viaCloudFront('198.51.100.31', 'Bearer viewer-one');
    const other = await viaCloudFront('198.51.100.32');

    // All three connect from 127.0.0.1 (the "edge"); only the viewer address tells them apart.
    expect([first.status, again.status, other.status]).toEqual([200, 429, 200]);
    expect(again.json()).toMatchObject({ error: 'rate_limited' });
    const [one, two] = upstream().seen;
    expect(one?.headers.authorization).toBe('Bearer viewer-one');
    expect(one?.headers['x-forwarded-for']).toBe('198.51.100.31');
    expect(two?.headers.authorization).toBeUndefined();
    expect(two?.headers['x-forwarded-for']).toBe('198.51.100.32');
    for (const seen of upstream().seen) {
      expect(seen.headers['x-gateway-viewer-authorization']).toBeUndefined();
      expect(seen.headers['cloudfront-viewer-address']).toBeUndefined();
      expect(seen.headers['x-amz-security-token']).toBeUndefined();
    }
  });
});
