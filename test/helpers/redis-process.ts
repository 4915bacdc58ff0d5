import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** The machine's Redis, which CI makes sure answers. */
export const SHARED_REDIS = { host: '127.0.0.1', port: 6379 } as const;

export const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

/**
 * A private redis-server on its own port, for tests that stop or pause Redis without disturbing
 * the shared one other test files use at the same time.
 */
export class RedisProcess {
  #child: ChildProcess | undefined;
  port = 0;

  /**
   * @param extraArgs more `redis-server` options, e.g. `--cluster-enabled yes`.
   * @param password the server's `requirepass`, which the readiness probe must then send.
   */
  async start(port?: number, extraArgs: readonly string[] = [], password?: string): Promise<void> {
    this.port = port ?? (await freePort());
    this.#child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...(password ? ['--requirepass', password] : []),
        ...extraArgs,
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis({
      port: this.port,
      lazyConnect: true,
      ...(password ? { password } : {}),
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        await sleep(50);
      }
    }
    probe.disconnect();
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    // A killed child has a signalCode and no exitCode: either means it is gone already.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  /**
   * Freezes the process (SIGSTOP): connections stay open and nothing answers, as a Redis stalled
   * by the host would be. `thaw` (SIGCONT) lets it carry on where it stopped.
   */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Blocks every client's commands for `ms`, as a stalled Redis would. */
  async pause(ms: number): Promise<void> {
    const admin = new Redis({ port: this.port });
    await admin.call('CLIENT', 'PAUSE', String(ms), 'ALL');
    // Not QUIT: a paused server would hold that too, until the pause ends.
    admin.disconnect();
  }
}
