import { captureOutput } from '../helpers/capture-output';
import { startGatewayServer } from '../helpers/gateway-server';
import { send } from '../helpers/http-request';
import { startRecordingUpstream } from '../helpers/loopback-upstream';

/**
 * GATEWAY_TRACING through the composed product. On Lambda the asset test shows the trace
 * (test/infra/bundle-asset.test.ts); here, off Lambda as `npm start` runs, the setting must change
 * nothing a user sees: the tracer turns itself off instead of failing every request for want of
 * an X-Ray daemon or a Lambda trace header.
 */
const routeTable = `
routes:
  - { id: hello, path: /hello, methods: [GET], upstream: "\${TRACING_UPSTREAM}", auth_required: false }
`;

describe('Integration: GATEWAY_TRACING through wireGatewayFromEnv and the local server', () => {
  it('active off Lambda: requests are answered and the tracer reports no missing context', async () => {
    const upstream = await startRecordingUpstream();
    const output = captureOutput();
    const gateway = await startGatewayServer({
      routeTable,
      env: { TRACING_UPSTREAM: upstream.url, GATEWAY_TRACING: 'active' },
    });
    gateway.own(upstream);
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => send(gateway.server.url, { path: '/hello' })),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(output.text()).not.toMatch(/Missing AWS Lambda trace data|context missing/i);
    } finally {
      output.restore();
      await gateway.close();
    }
  });

  it('refuses an unknown value at startup, naming the variable', async () => {
    await expect(
      startGatewayServer({
        routeTable,
        env: { TRACING_UPSTREAM: 'http://127.0.0.1:9', GATEWAY_TRACING: 'on' },
      }),
    ).rejects.toThrow('GATEWAY_TRACING must be one of active, off, got "on"');
  });
});
