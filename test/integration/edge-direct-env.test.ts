import { send } from '../helpers/http-request';
import { oneRequestRoute, useLimitedGateway } from '../helpers/limited-routes';

/**
 * A direct call (no CloudFront, `GATEWAY_CLIENT_ADDRESS` unset) that claims to come through
 * CloudFront, through the environment -> wireGatewayFromEnv -> the local server of `npm start`.
 */

const { routeTable } = oneRequestRoute('direct');
const { gateway, upstream } = useLimitedGateway({
  routeTable,
});

describe('Integration: npm start called directly with CloudFront headers', () => {
  it('neither picks its rate-limit bucket nor forges the Authorization the upstream sees', async () => {
    const spoof = (n: number) =>
      send(gateway.server.url, {
        path: '/api',
        headers: {
          'cloudfront-viewer-address': `192.0.2.${n}:443`,
          authorization: 'Bearer my-own',
          'x-gateway-viewer-authorization': 'Bearer forged',
        },
      });

    const first = await spoof(1);
    const second = await spoof(2);

    expect([first.status, second.status]).toEqual([200, 429]);
    expect(second.json()).toMatchObject({ error: 'rate_limited' });
    expect(upstream().seen).toHaveLength(1);
    const headers = upstream().seen[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer my-own');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-gateway-viewer-authorization']).toBeUndefined();
    expect(headers['cloudfront-viewer-address']).toBeUndefined();
  });
});
