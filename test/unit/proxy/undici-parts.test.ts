import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as undici from 'undici';
import { Agent, Client, Pool } from '../../../functions/gateway/proxy/undici-parts';

type Parts = typeof import('../../../functions/gateway/proxy/undici-parts');

/**
 * The proxy imports undici's Agent, Pool and Client from their own files (not from the index, for
 * the cold start). An undici upgrade that moves or replaces those files must fail here, not in
 * production: they are the very classes undici's index exports, and a dispatcher made from them
 * can `request`.
 */
describe('undici parts imported by path', () => {
  it('are the classes undici exports', () => {
    expect(Agent).toBe(undici.Agent);
    expect(Pool).toBe(undici.Pool);
    expect(Client).toBe(undici.Client);
  });

  describe('an Agent made from them', () => {
    let server: Server;
    let origin = '';
    beforeAll(async () => {
      server = createServer((_request, response) => response.end('from upstream'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("sends a request and reads the answer without undici's index loaded", async () => {
      // A module registry of its own, where nothing has loaded undici's index (which would give
      // dispatchers `request` whether or not undici-parts does).
      let isolated: Parts | undefined;
      let indexLoaded = true;
      jest.isolateModules(() => {
        isolated = require('../../../functions/gateway/proxy/undici-parts') as Parts;
        indexLoaded = Object.keys(require.cache).some((path) => path.endsWith('undici/index.js'));
      });
      expect(indexLoaded).toBe(false);
      const agent = new (isolated as Parts).Agent({ connections: 1 });
      try {
        const response = await agent.request({ origin, path: '/', method: 'GET' });
        expect(response.statusCode).toBe(200);
        expect(await response.body.text()).toBe('from upstream');
      } finally {
        await agent.close();
      }
    });
  });
});
