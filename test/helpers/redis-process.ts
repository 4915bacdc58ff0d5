import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
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

export interface TlsRedis {
  /** The TLS port; the plain port (`redis.port`) stays open and requires the password too. */
  readonly tlsPort: number;
  /** The test CA's certificate, for `NODE_EXTRA_CA_CERTS`: certificates are verified. */
  readonly caFile: string;
  /** Stops the server and removes the certificates. */
  close(): Promise<void>;
}

/**
 * `redis` started as ElastiCache runs with in-transit encryption and an AUTH token: a TLS port
 * whose certificate (for 127.0.0.1 and localhost) a fresh CA signed, and `password`.
 */
export const startTlsRedis = async (redis: RedisProcess, password: string): Promise<TlsRedis> => {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  try {
    writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    // biome-ignore format: one openssl invocation per line reads best
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=gateway-test-ca');
    // biome-ignore format: as above
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    // biome-ignore format: as above
    await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'server.crt', '-extfile', 'san.cnf');
    const tlsPort = await freePort();
    // biome-ignore format: option and value pairs
    await redis.start(undefined, ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'server.crt'), '--tls-key-file', join(dir, 'server.key'), '--tls-ca-cert-file', join(dir, 'ca.crt'), '--tls-auth-clients', 'no'], password);
    return {
      tlsPort,
      caFile: join(dir, 'ca.crt'),
      close: async () => {
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
};
