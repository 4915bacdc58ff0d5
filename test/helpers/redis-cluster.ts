import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisProcess } from './redis-process';

const run = promisify(execFile);

/**
 * A real Redis Cluster of three masters on private ports, made with `redis-cli --cluster create`,
 * as ElastiCache runs one in cluster mode (slots spread over shards, MOVED redirections).
 */
export class RedisCluster {
  readonly nodes = [new RedisProcess(), new RedisProcess(), new RedisProcess()];
  #dir = '';

  get seed(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.nodes[0]?.port ?? 0 };
  }

  async start(): Promise<void> {
    this.#dir = mkdtempSync(join(tmpdir(), 'gateway-cluster-'));
    await Promise.all(
      this.nodes.map((node, index) =>
        node.start(undefined, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(this.#dir, `nodes-${index}.conf`),
          '--dir',
          this.#dir,
        ]),
      ),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await this.#untilEveryNodeSaysOk();
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  /** `redis-cli --cluster create` returns before every node has heard of every slot. */
  async #untilEveryNodeSaysOk(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const states = await Promise.all(
        this.nodes.map(async (node) => {
          const client = new Redis({ port: node.port });
          try {
            return String(await client.call('CLUSTER', 'INFO'));
          } finally {
            client.disconnect();
          }
        }),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await sleep(100);
    }
    throw new Error('the Redis Cluster did not reach cluster_state:ok');
  }
}
