import { LOCAL_DEFAULTS } from '../../dev/local-defaults';
import { LOCAL_AWS_ENV } from '../../dev/local-dynamodb';
import { createDocumentClient } from '../../functions/gateway/sessions/dynamodb-session-store';
import { SessionSigner } from '../../functions/gateway/sessions/session-signer';
import { SessionAdmin } from '../../scripts/session-admin';
import { useNpmStart } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

const PORT = 26_180;
const BASE = `http://127.0.0.1:${PORT}`;

/**
 * The shipped config/gateway.yml under a real `npm start` (its dynalite, its demo upstream): the
 * users route's method map and the CSRF check, as the README's curl lines meet them.
 */
describe('Integration: npm start with the shipped route table (issue 14)', () => {
  let admin: SessionAdmin;

  useNpmStart((own) => {
    Object.assign(process.env, LOCAL_AWS_ENV);
    const client = own(
      createDocumentClient({ endpoint: `http://127.0.0.1:${PORT + 1}`, region: 'local' }),
    );
    admin = new SessionAdmin(
      client,
      LOCAL_DEFAULTS.sessionTable,
      new SessionSigner([LOCAL_DEFAULTS.sessionSecret]),
    );
    return { GATEWAY_PORT: String(PORT), DYNAMODB_PORT: String(PORT + 1) };
  });

  const cookieFor = async (roles: string[]): Promise<string> => {
    const { token } = await admin.create({
      userId: `user-${roles.join('-')}`,
      roles,
      ttlSeconds: 600,
    });
    return `session_token=${token}`;
  };
  const put = (cookie: string, headers: Record<string, string> = {}) =>
    send(BASE, {
      method: 'PUT',
      path: '/api/users/1',
      headers: { cookie, 'content-type': 'application/json', ...headers },
      body: '{"name":"x"}',
    });

  it('lets a reader GET but not PUT, and a writer PUT', async () => {
    const reader = await cookieFor(['reader']);
    const writer = await cookieFor(['writer']);

    const get = await send(BASE, { path: '/api/users/1', headers: { cookie: reader } });
    const readerPut = await put(reader);
    const writerPut = await put(writer);

    expect(get.status).toBe(200);
    expect(get.json()).toMatchObject({ name: 'Demo User' });
    expect(readerPut.status).toBe(403);
    expect(readerPut.json()).toMatchObject({ error: 'forbidden' });
    expect(writerPut.status).toBe(200);
  });

  it("refuses a writer's PUT sent by another site's page, and answers a preflight as before (no CORS shipped)", async () => {
    const writer = await cookieFor(['writer']);

    const crossSite = await put(writer, {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    const preflight = await send(BASE, {
      method: 'OPTIONS',
      path: '/api/users/1',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });

    expect(crossSite.status).toBe(403);
    expect(crossSite.json()).toMatchObject({ error: 'csrf_rejected' });
    expect(preflight.status).toBe(405);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
