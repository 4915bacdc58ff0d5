import { spawn } from 'node:child_process';
import { GATED_EVENTS, startGatedEventUpstream } from '../helpers/gated-event-upstream';
import { spawnNpmStart } from '../helpers/gateway-server';

/**
 * `GATEWAY_INVOKE_MODE=RESPONSE_STREAM npm start` and `curl -N localhost:PORT/stream/events`,
 * as docs/proxying.md tells a user to try it: the shipped route table's `stream: true` route, the
 * process `npm start` runs, curl's own output. The demo upstream is replaced by one that sends
 * one event and waits for the test to have seen it, so "as they come" needs no timing guess.
 */
const PORT = 26_080;

/** `curl -N` (no output buffering): its stdout as it grows, and its exit. */
const curlN = (url: string) => {
  const child = spawn('curl', ['-sS', '-N', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const listeners: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const listener of listeners.splice(0)) listener();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    /** Resolves true once stdout holds `text`, false if `ms` passed first. */
    shows: (text: string, ms: number): Promise<boolean> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (stdout.includes(text)) {
            clearTimeout(timer);
            resolve(true);
          } else listeners.push(check);
        };
        const timer = setTimeout(() => resolve(false), ms);
        check();
      }),
    stdout: () => stdout,
    exited,
    kill: () => child.kill('SIGTERM'),
  };
};

describe('Integration: npm start with GATEWAY_INVOKE_MODE=RESPONSE_STREAM, read with curl -N', () => {
  let upstream: Awaited<ReturnType<typeof startGatedEventUpstream>>;

  beforeAll(async () => {
    upstream = await startGatedEventUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it.each([
    {
      setting: 'GATEWAY_INVOKE_MODE=RESPONSE_STREAM',
      mode: 'RESPONSE_STREAM',
      port: PORT,
      streams: true,
    },
    { setting: 'no GATEWAY_INVOKE_MODE', mode: undefined, port: PORT + 2, streams: false },
  ])(
    '$setting: curl -N shows the first event before the upstream has finished: $streams',
    async ({ mode, port, streams }) => {
      const gateway = await spawnNpmStart({
        GATEWAY_PORT: String(port),
        DYNAMODB_PORT: String(port + 1),
        DEMO_UPSTREAM_URL: upstream.url,
        ...(mode ? { GATEWAY_INVOKE_MODE: mode } : {}),
      });
      const curl = curlN(`http://localhost:${port}/stream/events`);
      try {
        // Streamed: the event is already sent, 10 s is only a bound. Buffered: 1.5 s of silence.
        const early = await curl.shows('data: first', streams ? 10_000 : 1_500);
        upstream.release();
        const code = await curl.exited;

        expect(early).toBe(streams);
        expect(code).toBe(0);
        expect(curl.stdout()).toBe(GATED_EVENTS.first + GATED_EVENTS.rest);
      } finally {
        curl.kill();
        await gateway.stop();
      }
    },
    60_000,
  );
});
