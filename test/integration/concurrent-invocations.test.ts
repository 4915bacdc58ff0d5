import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';

/**
 * `npm start` serves many requests at once in one process, as a Lambda Managed Instance does
 * (several invocations per execution environment). Each must log and count as its own invocation:
 * its access line with its own correlation id, its own EMF document. Through the environment ->
 * wireGatewayFromEnv -> the local server, with an upstream whose random delays interleave them.
 */
const IN_FLIGHT = 40;

const routeTable = `
routes:
  - { id: concurrent, path: "/items/*", methods: [GET], upstream: "\${UP}", auth_required: false }
`;

const gateway = useGatewayServer(async (own) => {
  const upstream = own(
    createServer((_request, response) => {
      setTimeout(() => response.writeHead(200).end('ok'), Math.random() * 30);
    }),
  );
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const { port } = upstream.address() as AddressInfo;
  return { routeTable, env: { UP: `http://127.0.0.1:${port}` } };
});

describe('Integration: concurrent invocations in the local server', () => {
  it("logs each request's access line with its own correlation id, and counts each in its own EMF document", async () => {
    const answers = await Promise.all(
      Array.from({ length: IN_FLIGHT }, (_, i) =>
        send(gateway.url, { path: `/items/${i}`, headers: { 'x-correlation-id': `conc-${i}` } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(IN_FLIGHT).fill(200));

    const lines = gateway.output.logLines('request');
    expect(lines).toHaveLength(IN_FLIGHT);
    // Each line names its own request: the path it logs and the correlation id agree.
    expect(
      lines.map((line) => `${String(line.path)} ${String(line.correlation_id)}`).sort(),
    ).toEqual(Array.from({ length: IN_FLIGHT }, (_, i) => `/items/${i} conc-${i}`).sort());

    const documents = gateway.output.emfWith('Requests');
    expect(documents).toHaveLength(IN_FLIGHT);
    for (const document of documents) expect(document.Requests).toBe(1);
  });
});
