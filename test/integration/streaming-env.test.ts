import '../../dev/awslambda-shim';
import {
  GATED_EVENTS,
  startGatedEventUpstream,
  watchStream,
} from '../helpers/gated-event-upstream';
import { useGatewayServer } from '../helpers/gateway-server';

/**
 * Response streaming as a user turns it on: `GATEWAY_INVOKE_MODE=RESPONSE_STREAM` in the
 * environment -> `wireGatewayFromEnv` -> the local server of `npm start`. The upstream sends one
 * event and then waits for the test, so "streamed" means the first event arrived while the
 * upstream was still sending, not a timing guess.
 */
const routeTable = `
routes:
  - { id: live, path: "/live/*", methods: [GET], upstream: "\${STREAM_TEST_UPSTREAM}", strip_prefix: /live, auth_required: false, stream: true, timeout_ms: 20000 }
`;

/** How long a buffered gateway is given to (wrongly) deliver the first event. */
const BUFFERED_WAIT_MS = 1_000;

let upstream: Awaited<ReturnType<typeof startGatedEventUpstream>>;
const streaming = useGatewayServer(async (own) => {
  upstream = own(await startGatedEventUpstream());
  return {
    routeTable,
    env: { STREAM_TEST_UPSTREAM: upstream.url, GATEWAY_INVOKE_MODE: 'RESPONSE_STREAM' },
  };
});
const buffered = useGatewayServer(async () => ({
  routeTable,
  env: { STREAM_TEST_UPSTREAM: upstream.url },
}));

describe('Integration: GATEWAY_INVOKE_MODE through wireGatewayFromEnv and the local server', () => {
  it('delivers the first event of a stream: true route while the upstream is still sending', async () => {
    const watched = watchStream(streaming.server.url, '/live/events');

    // Generous: the event is already sent; only a buffering gateway would hold it back.
    const first = await watched.firstChunkWithin(10_000);
    upstream.release();
    const response = await watched.done;

    expect(first).toBe(GATED_EVENTS.first);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['x-correlation-id']).toEqual(expect.any(String));
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toBe(GATED_EVENTS.first + GATED_EVENTS.rest);
  }, 20_000);

  it('buffers the same route when the setting is absent (BUFFERED Function URL)', async () => {
    const watched = watchStream(buffered.server.url, '/live/events');

    const early = await watched.firstChunkWithin(BUFFERED_WAIT_MS);
    upstream.release();
    const response = await watched.done;

    expect(early).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.body).toBe(GATED_EVENTS.first + GATED_EVENTS.rest);
  }, 20_000);
});
